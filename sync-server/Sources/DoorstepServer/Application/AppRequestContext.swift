public import Hummingbird
import NIOCore

/// The request context of every route: Hummingbird's core storage plus the caller's identity.
public struct AppRequestContext: RequestContext {
    /// The largest request body the server reads: 16 MiB.
    public static let maximumBodySize = 16 * 1024 * 1024

    public var coreContext: CoreRequestContextStorage
    /// The authenticated caller, set by ``TokenAuthMiddleware`` on every `/v1` route.
    public var identity: Identity?
    /// The connection the request came on, for ``RequestBodyMiddleware``'s `100 Continue`.
    let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        identity = nil
        channel = source.channel
    }

    public var maxUploadSize: Int { Self.maximumBodySize }

    /// The caller, if their role is one of `roles`.
    ///
    /// - Parameter roles: The roles the route admits.
    /// - Returns: The authenticated identity.
    /// - Throws: ``APIError/unauthorized(_:)`` without an identity, ``APIError/forbidden(_:)``
    ///   when the role is not admitted.
    public func requireRole(_ roles: Role...) throws -> Identity {
        try requireRole(in: Set(roles))
    }

    /// The caller, if their role is in `roles`.
    ///
    /// - Throws: ``APIError`` (401 or 403).
    public func requireRole(in roles: Set<Role>) throws -> Identity {
        guard let identity else {
            throw APIError.unauthorized("This request needs a bearer token.")
        }
        guard roles.contains(identity.role) else {
            let names = Role.allCases.filter(roles.contains).map(\.rawValue).joined(separator: ", ")
            throw APIError.forbidden("A \(identity.role.rawValue) token may not do this; it needs one of: \(names).")
        }
        return identity
    }
}
