import Foundation
import Hummingbird
import Logging
import NIOCore

/// `GET /metrics` on the metrics listener: samples the states (open connections, the database's
/// size, backups), then answers every metric in Prometheus's text format.
struct MetricsEndpoint: Sendable {
    let metrics: ServerMetrics
    let database: ServerDatabase
    let connections: ConnectionCounter

    /// Prometheus's text exposition format, version 0.0.4.
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    @Sendable func respond(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let storage = try await database.storageSize()
        metrics.sample(ServerMetrics.Sample(
            openConnections: connections.count, databaseBytes: storage.database, walBytes: storage.wal,
            backups: try await database.backupRuns(), purges: try await database.purgeRuns()
        ))
        var headers = HTTPFields()
        headers[.contentType] = Self.contentType
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
    }
}

/// The application serving `/metrics` on 127.0.0.1 at `port`, beside the API's: a listener of its
/// own, so that the metrics stay on the machine (a proxy that forwards the API's port forwards
/// nothing of them) and need no token.
///
/// Once listening it logs its URL (with the port `0` picked).
func buildMetricsApplication(
    port: Int, metrics: ServerMetrics, database: ServerDatabase, connections: ConnectionCounter, logger: Logger
) -> some ApplicationProtocol {
    let router = Router()
    router.get("metrics", use: MetricsEndpoint(metrics: metrics, database: database, connections: connections).respond)
    return Application(
        router: router,
        configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "doorstep-server-metrics"),
        onServerRunning: { channel in
            logger.notice("Metrics at http://127.0.0.1:\(channel.localAddress?.port ?? port)/metrics")
        },
        logger: logger
    )
}
