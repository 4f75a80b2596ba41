import DoorstepCore
import DoorstepWire
import DoorstepServer
import DoorstepTestSupport
import Foundation

/// A real `doorstep-server` process over ``ServerFixture``'s data, spoken to byte by byte.
struct RawHTTPServer {
    let fixture: ServerFixture
    let server: RunningServer

    init() throws {
        fixture = try ServerFixture()
        server = try RunningServer(data: fixture.directory.path)
    }

    /// A new connection to the server.
    func connect() throws -> RawHTTPConnection {
        try RawHTTPConnection(url: server.url)
    }

    /// One request on a new connection, and its answer (nil when the server answered nothing).
    func exchange(_ request: String) throws -> RawHTTPResponse? {
        let connection = try connect()
        connection.send(request)
        return connection.readResponse()
    }

    /// A push of `count` knocks at the fixture's doors as JSON.
    static func pushBody(visits count: Int, note: String? = nil) throws -> String {
        let operations = (0..<count).map { index in
            SyncOperation(
                stamp: Ops.stamp(Int64(index), "raw-device"), device: "raw-device",
                body: .recordVisit(Visit(
                    visit: UUID(), campaign: ServerFixture.campaign, address: "a1", outcome: .noAnswer, note: note,
                    at: "2026-11-01T10:00:00Z"
                ))
            )
        }
        return String(decoding: try JSONEncoder().encode(PushRequest(device: "raw-device", operations: operations)), as: UTF8.self)
    }

    /// The request head of a `POST` with these headers and a `Content-Length` of `length`.
    static func postHead(_ path: String, token: String?, contentType: String? = "application/json", length: Int?, extra: [String] = []) -> String {
        var lines = ["POST \(path) HTTP/1.1", "Host: 127.0.0.1"]
        if let token { lines.append("Authorization: Bearer \(token)") }
        if let contentType { lines.append("Content-Type: \(contentType)") }
        if let length { lines.append("Content-Length: \(length)") }
        lines += extra
        return lines.joined(separator: "\r\n") + "\r\n\r\n"
    }

    /// Rows in the operation log: every push that got as far as the database left one per operation.
    func loggedOperations() throws -> Int {
        try fixture.count("operations")
    }
}
