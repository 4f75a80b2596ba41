import DoorstepServer
import DoorstepWire
import DoorstepTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import Yams

/// `docs/openapi.yaml` against the server: the routes it documents are the routes the router
/// serves, the roles it names are the roles the routes take, and `/openapi.yaml` serves it.
@Suite("OpenAPI description")
struct OpenAPIDescriptionTests {
    /// The description in the source tree.
    static let source = BuiltProducts.packageRoot.appendingPathComponent("docs/openapi.yaml")

    /// One documented operation: its method, its path template and the roles it names.
    struct Operation: Hashable, CustomStringConvertible {
        var method: String
        var path: String
        var roles: Set<String>

        var description: String { "\(method) \(path)" }
    }

    /// Every operation of the description, from its `paths`.
    static func documentedOperations() throws -> [Operation] {
        let text = try String(contentsOf: source, encoding: .utf8)
        let document = try #require(try Yams.load(yaml: text) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: Any])
        var operations: [Operation] = []
        for (path, item) in paths {
            let item = try #require(item as? [String: Any], "\(path)")
            for (method, operation) in item where ["get", "put", "post", "delete", "patch", "head", "options"].contains(method) {
                let operation = try #require(operation as? [String: Any], "\(method) \(path)")
                let roles = try #require(operation["x-doorstep-roles"] as? [Any], "\(method) \(path) names no x-doorstep-roles")
                operations.append(Operation(method: method.uppercased(), path: path, roles: Set(roles.compactMap { $0 as? String })))
            }
        }
        return operations
    }

    /// The routes the server's router serves, as `METHOD /path/{parameter}` (Hummingbird writes a
    /// captured segment as OpenAPI does).
    static func servedRoutes(_ fixture: ServerFixture) -> Set<String> {
        let router = buildRouter(configuration: fixture.configuration, database: fixture.database)
        return Set(router.routes.map { "\($0.method.rawValue) \($0.path.description)" })
    }

    @Test("Every route the router serves is documented, and every documented route is served")
    func routesAgree() throws {
        // Given the server's router and the description
        let fixture = try ServerFixture()
        let served = Self.servedRoutes(fixture)
        let documented = Set(try Self.documentedOperations().map(\.description))

        // Then the two sets are the same
        #expect(served.subtracting(documented).isEmpty, "Served but not documented: \(served.subtracting(documented).sorted())")
        #expect(documented.subtracting(served).isEmpty, "Documented but not served: \(documented.subtracting(served).sorted())")
        #expect(served.count >= 19, "\(served.sorted())")
    }

    @Test("A token of a role a route names is let in; any other role gets 403")
    func rolesAgree() async throws {
        // Given a token of each role and every documented route that needs a token
        let fixture = try ServerFixture()
        let operations = try Self.documentedOperations().filter { !$0.roles.isEmpty }
        #expect(operations.count >= 15)
        try await fixture.app.test(.router) { client in
            for operation in operations {
                let uri = operation.path.replacingOccurrences(of: "{id}", with: ServerFixture.campaign)
                for role in Role.allCases {
                    // When the role calls the route (with a JSON body where it reads one)
                    let body = operation.method == "POST" ? "{}" : nil
                    let response = try await client.send(
                        HTTPRequest.Method(operation.method)!, uri, token: fixture.token(role), body: body
                    )
                    // Then it is refused for its role exactly when the description leaves the role out
                    let refused = response.status == .forbidden && response.errorBody?.error == "forbidden"
                    #expect(
                        refused != operation.roles.contains(role.rawValue),
                        "\(operation) as \(role.rawValue): \(response.status) \(String(buffer: response.body))"
                    )
                }
            }
        }
    }

    @Test("GET /openapi.yaml answers the description, byte for byte, without a token")
    func served() async throws {
        let fixture = try ServerFixture()
        let expected = try Data(contentsOf: Self.source)
        try await fixture.app.test(.router) { client in
            let response = try await client.send(.get, "/openapi.yaml", token: nil)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/yaml")
            // The embedded copy (sync-server/Sources/DoorstepServer/Resources/openapi.yaml) is
            // docs/openapi.yaml: copy the file there after changing the description.
            #expect(Data(response.body.readableBytesView) == expected, "The served description differs from docs/openapi.yaml")
        }
    }
}
