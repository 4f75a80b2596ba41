import Foundation
import NIOSSL
import PostgresNIO

/// Where a PostgreSQL database is and how to log in to it, from a URL as libpq writes it:
/// `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|prefer|require]`, or
/// `postgres://USER@/DATABASE?host=/run/postgresql` for a Unix socket's directory.
///
/// Without `sslmode`, a loopback or socket connection is not encrypted and any other prefers TLS,
/// as libpq does.
public struct PostgresLocation: Sendable, CustomStringConvertible {
    /// The connection settings PostgresNIO takes.
    let configuration: PostgresConnection.Configuration
    /// The URL without its password, for messages and logs.
    public let description: String
    /// How many connections, and threads to wait on them, a store on this database opens at most.
    public var maximumConnections = 8

    /// Reads `url`.
    ///
    /// - Throws: ``AdminError`` naming what is wrong with it.
    public init(url: String) throws {
        guard let components = URLComponents(string: url),
              components.scheme == "postgres" || components.scheme == "postgresql"
        else {
            throw AdminError("\(url) is not a PostgreSQL URL; write postgres://USER@HOST:PORT/DATABASE.")
        }
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        guard let user = components.user, !user.isEmpty else {
            throw AdminError("The PostgreSQL URL names no user; write postgres://USER@HOST:PORT/DATABASE.")
        }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty else {
            throw AdminError("The PostgreSQL URL names no database; write postgres://USER@HOST:PORT/DATABASE.")
        }
        let password = components.password
        var configuration: PostgresConnection.Configuration
        if let socket = query["host"], socket.hasPrefix("/") {
            let port = components.port ?? 5432
            configuration = .init(
                unixSocketPath: "\(socket)/.s.PGSQL.\(port)", username: user, password: password, database: database
            )
        } else {
            guard let host = components.host, !host.isEmpty else {
                throw AdminError("The PostgreSQL URL names no host; write postgres://USER@HOST:PORT/DATABASE.")
            }
            let loopback = ["localhost", "127.0.0.1", "::1", "[::1]"].contains(host)
            let tls: PostgresConnection.Configuration.TLS
            switch query["sslmode"] ?? (loopback ? "disable" : "prefer") {
            case "disable": tls = .disable
            case "prefer", "allow": tls = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
            case "require", "verify-ca", "verify-full": tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            case let mode: throw AdminError("sslmode=\(mode) is not one of disable, prefer or require.")
            }
            configuration = .init(
                host: host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")), port: components.port ?? 5432,
                username: user, password: password, database: database, tls: tls
            )
        }
        configuration.options.connectTimeout = .seconds(5)
        self.configuration = configuration
        var shown = components
        if shown.password != nil { shown.password = "…" }
        description = shown.string ?? "postgres://"
    }
}
