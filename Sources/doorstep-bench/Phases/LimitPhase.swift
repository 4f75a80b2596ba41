import DoorstepCore
import DoorstepWire
import DoorstepTransport
import Foundation

extension BenchRun {
    /// The machine's limit for the same data: the server's rows written straight into the store
    /// (a raw SQLite insert in one transaction, or PostgreSQL's `COPY`), and the sync's request
    /// bodies posted to a sink that discards them.
    func limit(_ pushed: PushedData) async throws {
        let operations = pushed.operations
        let inserter = RawInsertLimit(scenario: scenario)
        let rows = try inserter.prepare(operations, data: scenario.template)
        var limit: BenchReport.Limit
        if let postgres = scenario.postgres {
            Log.line("Copying the same rows into PostgreSQL with COPY (server schema, one transaction)")
            let elapsed = try PostgresCopyLimit(server: postgres)
                .copy(rows, into: try scenario.freshData("limit-copy-data"), script: path("limit-copy.sql"))
            Log.line("COPY of \(rows.count) rows took \(format(elapsed.seconds)) s")
            limit = .init(rows: rows.count, store: "postgres", storeSeconds: elapsed.seconds, sinkSeconds: 0, sinkBytes: 0, sinkRequests: 0, syncOverStore: 0, syncOverSink: 0)
        } else {
            Log.line("Inserting the same rows straight into SQLite (server schema, one transaction)")
            let raw = try inserter.insert(rows, data: try directory("limit-data"), variant: .init())
            Log.line("Raw insert of \(raw.rows) rows took \(format(raw.elapsed.seconds)) s; now in transactions of 2,000 operations")
            let batched = try inserter.insert(rows, data: try directory("limit-batched-data"), variant: .init(transactionSize: 2_000))
            let untuned = try inserter.insert(
                rows, data: try directory("limit-untuned-data"), variant: .init(transactionSize: 2_000, tuned: false)
            )
            Log.line("Batched: \(format(batched.elapsed.seconds)) s; with SQLite's default cache \(format(untuned.elapsed.seconds)) s")
            limit = .init(
                rows: raw.rows, store: "sqlite", storeSeconds: raw.elapsed.seconds, sqliteWrittenBytes: raw.writtenBytes,
                batchedSeconds: batched.elapsed.seconds, batchedWrittenBytes: batched.writtenBytes,
                batchedDefaultCacheSeconds: untuned.elapsed.seconds, batchedDefaultCacheWrittenBytes: untuned.writtenBytes,
                sinkSeconds: 0, sinkBytes: 0, sinkRequests: 0, syncOverStore: 0, syncOverSink: 0
            )
        }

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
        limit.sinkSeconds = sinkSeconds
        limit.sinkBytes = sinkBytes
        limit.sinkRequests = bodies.count
        limit.syncOverStore = pushed.syncSeconds / limit.storeSeconds
        limit.serverPushOverStore = pushed.serverPushSeconds.map { $0 / limit.storeSeconds }
        limit.syncOverSink = pushed.syncSeconds / sinkSeconds
        report.limit = limit
    }

    /// A fresh copy of the template data directory: the raw SQLite insert writes the file itself.
    private func directory(_ name: String) throws -> URL {
        guard case .directory(let folder) = try scenario.freshData(name).place else {
            throw BenchError.wrongResult("the raw SQLite insert needs a data directory")
        }
        return folder
    }
}
