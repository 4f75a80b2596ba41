public import Foundation

/// An HTTP method.
public struct HTTPMethod: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The method's name as sent, such as `GET`.
    public var rawValue: String

    /// A method by name.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// `GET`: read; always safe to retry.
    public static let get = HTTPMethod(rawValue: "GET")
    /// `HEAD`: the headers of a `GET` without its body.
    public static let head = HTTPMethod(rawValue: "HEAD")
    /// `POST`: send a body.
    public static let post = HTTPMethod(rawValue: "POST")
    /// `PUT`: replace a resource.
    public static let put = HTTPMethod(rawValue: "PUT")
    /// `PATCH`: change part of a resource.
    public static let patch = HTTPMethod(rawValue: "PATCH")
    /// `DELETE`: remove a resource.
    public static let delete = HTTPMethod(rawValue: "DELETE")

    public var description: String { rawValue }
}

/// One request to send: method, absolute URL, headers and an optional body.
public struct HTTPRequest: Sendable {
    /// The method.
    public var method: HTTPMethod
    /// The absolute `http` or `https` URL, query included.
    public var url: URL
    /// Header fields in the order they are sent. A body without `Content-Type` is sent as
    /// `application/octet-stream`.
    public var headers: [(name: String, value: String)]
    /// The request body, handed to libcurl without a copy.
    public var body: Data?

    /// Creates a request.
    public init(method: HTTPMethod = .get, url: URL, headers: [(name: String, value: String)] = [], body: Data? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }

    /// The first value of header `name` (case-insensitive), if set.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}

/// A complete response: status, headers and the (decompressed) body.
public struct HTTPResponse: Sendable, Hashable {
    /// The HTTP status code, such as 200 or 404.
    public var status: Int
    /// Header fields by lower-cased name; repeated fields are joined with ", ".
    public var headers: [String: String]
    /// The body, decompressed when the server used a content encoding.
    public var body: Data

    /// Creates a response.
    public init(status: Int, headers: [String: String] = [:], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The value of header `name` (case-insensitive), if present.
    public func header(_ name: String) -> String? {
        headers[name.lowercased()]
    }

    /// Whether the status is 2xx.
    public var isSuccess: Bool { (200..<300).contains(status) }
}
