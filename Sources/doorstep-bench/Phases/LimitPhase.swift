import DoorstepCore
import DoorstepWire
import DoorstepTransport
import Foundation

extension BenchRun {
    /// The machine's limit for the same data: the server's rows inserted raw into SQLite in one
    /// transaction, and the sync's request bodies posted to a sink that discards them.
    func limit(_ pushed: PushedData) async throws {
        let operations = pushed.operations
        Log.line("Inserting the same rows straight into SQLite (server schema, one transaction)")
        let inserter = RawInsertLimit(scenario: scenario)
        let rows = try inserter.prepare(operations, data: scenario.template)
        let raw = try inserter.insert(rows, data: try scenario.freshData(path("limit-data")), variant: .init())
        Log.line("Raw insert of \(raw.rows) rows took \(format(raw.elapsed.seconds)) s; now in transactions of 2,000 operations")
        let batched = try inserter.insert(
            rows, data: try scenario.freshData(path("limit-batched-data")), variant: .init(transactionSize: 2_000)
        )
        let untuned = try inserter.insert(
            rows, data: try scenario.freshData(path("limit-untuned-data")), variant: .init(transactionSize: 2_000, tuned: false)
        )
        Log.line("Batched: \(format(batched.elapsed.seconds)) s; with SQLite's default cache \(format(untuned.elapsed.seconds)) s")

        // The bodies the sync sends: batches of 2,000 operations, as the engine's default.
        let encoder = JSONEncoder.wire
        let device = operations.first?.device ?? "bench"
        var bodies: [Data] = []
        var start = 0
        while start < operations.count {
            let batch = Array(operations[start..<min(start + 2_000, operations.count)])
            bodies.append(try encoder.encode(PushRequest(device: device, operations: batch)))
            start += batch.count
        }
        let sink = try await SinkServer()
        let client = try HTTPClient()
        let url = URL(string: "http://127.0.0.1:\(sink.port)/v1/push")!
        let headers = [("Authorization", "Bearer \(scenario.collectorToken)"), ("Content-Type", "application/json")]
        Log.line("Posting the same \(bodies.count) request bodies to a sink server")
        let ((), elapsed) = try await timedAsync {
            for body in bodies {
                let response = try await client.perform(HTTPRequest(method: .post, url: url, headers: headers, body: body))
                guard response.status == 200 else { throw BenchError.requestFailed("the sink answered \(response.status)") }
            }
        }
        let sinkBytes = sink.bodyBytes
        await sink.stop()
        let sinkSeconds = elapsed.seconds
        Log.line("Sink took \(format(sinkSeconds)) s for \(formatBytes(sinkBytes))")
        report.limit = BenchReport.Limit(
            rows: raw.rows, sqliteSeconds: raw.elapsed.seconds, sqliteWrittenBytes: raw.writtenBytes,
            batchedSeconds: batched.elapsed.seconds, batchedWrittenBytes: batched.writtenBytes,
            batchedDefaultCacheSeconds: untuned.elapsed.seconds, batchedDefaultCacheWrittenBytes: untuned.writtenBytes,
            sinkSeconds: sinkSeconds, sinkBytes: sinkBytes,
            sinkRequests: bodies.count, syncOverSqlite: pushed.syncSeconds / raw.elapsed.seconds,
            serverPushOverSqlite: pushed.serverPushSeconds.map { $0 / raw.elapsed.seconds },
            syncOverSink: pushed.syncSeconds / sinkSeconds
        )
    }
}
