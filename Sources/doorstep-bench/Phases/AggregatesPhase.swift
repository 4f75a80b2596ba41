import DoorstepCore
import DoorstepWire
import DoorstepTransport
import Foundation

extension BenchRun {
    /// Loads a campaign with many responses by pushing big batches straight through the transport,
    /// then times `GET /v1/campaigns/ID/aggregates` as an organiser.
    func aggregates() async throws {
        let count = sizes.aggregateResponses
        let batchSize = 5_000
        let server = try ServerProcess(data: try scenario.freshData("aggregates-data"), tools: tools)
        defer { server.stop() }
        guard let base = URL(string: server.url) else { throw BenchError.serverDidNotStart(server.url) }
        let client = try HTTPClient()
        let pushURL = base.appendingPathComponent("v1/push")
        let pushHeaders = [("Authorization", "Bearer \(scenario.collectorToken)"), ("Content-Type", "application/json")]

        // Distinct validated answer sets, reused round-robin: validation is not what is measured here.
        var generator = AnswerGenerator(form: scenario.form, today: scenario.today, keys: scenario.keys, seed: seed &+ 2)
        var pool: [(answers: Answers, safeguarding: Bool)] = []
        for _ in 0..<min(count, 10_000) { pool.append(try generator.next(response: UUID())) }
        let loader = BatchLoader(
            pool: pool, addresses: scenario.addresses, form: scenario.form, count: count, batchSize: batchSize,
            startMilliseconds: Int64(Date().timeIntervalSince1970 * 1000) - 60_000
        )

        Log.line("Loading \(count) responses in pushes of \(batchSize)")
        let ((), loadTime) = try await timedAsync {
            var next = Task { try loader.body(batch: 0) }
            for batch in 0..<loader.batches {
                let (body, ids) = try await next.value
                if batch + 1 < loader.batches { next = Task { try loader.body(batch: batch + 1) } }
                let response = try await client.perform(HTTPRequest(method: .post, url: pushURL, headers: pushHeaders, body: body))
                guard response.status == 200 else {
                    throw BenchError.requestFailed("a push of the aggregates load answered \(response.status): \(String(decoding: response.body.prefix(300), as: UTF8.self))")
                }
                let answer = try JSONDecoder().decode(PushResponse.self, from: response.body)
                let applied = answer.results.filter { $0.status == .applied }.count
                guard applied == ids else { throw BenchError.wrongResult("a push applied \(applied) of \(ids) responses") }
                if batch % 20 == 19 { Log.line("  \((batch + 1) * batchSize) loaded") }
            }
        }
        Log.line("Loaded in \(format(loadTime.seconds)) s; timing \(sizes.queryRuns) aggregates queries")

        let queryURL = base.appendingPathComponent("v1/campaigns/\(Scenario.campaign)/aggregates")
        let queryHeaders = [("Authorization", "Bearer \(scenario.organiserToken)"), ("Accept", "application/json")]
        var runs: [Double] = []
        var bodyBytes = 0
        for _ in 0..<sizes.queryRuns {
            let (response, elapsed) = try await timedAsync {
                try await client.perform(HTTPRequest(method: .get, url: queryURL, headers: queryHeaders))
            }
            guard response.status == 200 else {
                throw BenchError.requestFailed("the aggregates query answered \(response.status): \(String(decoding: response.body.prefix(300), as: UTF8.self))")
            }
            let aggregates = try JSONDecoder().decode(CampaignAggregates.self, from: response.body)
            // Every response is counted once: with the resident's consent, or as declined.
            let counted = (aggregates.responses ?? 0) + (aggregates.declined ?? 0)
            guard counted == count else {
                throw BenchError.wrongResult("the aggregates count \(counted) responses (consented and declined), not \(count)")
            }
            runs.append(elapsed.seconds * 1000)
            bodyBytes = response.body.count
        }
        report.aggregates = BenchReport.Aggregates(
            responses: count, loadSeconds: loadTime.seconds, loadResponsesPerSecond: Double(count) / loadTime.seconds,
            batchSize: batchSize, queryRuns: runs, queryMedianMilliseconds: Statistics.median(runs),
            bodyBytes: bodyBytes, serverPeakMemory: server.peakMemory()
        )
        Log.line("Aggregates query median \(format(Statistics.median(runs))) ms")
    }
}

/// Makes the request bodies of the aggregates load: new responses with fresh ids, answers drawn
/// from a pool, addresses round the walk list, stamps a minute in the past.
private struct BatchLoader: Sendable {
    let pool: [(answers: Answers, safeguarding: Bool)]
    let addresses: [String]
    let form: FormDefinition
    let count: Int
    let batchSize: Int
    let startMilliseconds: Int64
    let device = "bench-loader"
    let recordedAt = Date().formatted(.iso8601)

    var batches: Int { (count + batchSize - 1) / batchSize }

    /// The encoded push of batch number `batch`, and how many operations it carries.
    func body(batch: Int) throws -> (Data, Int) {
        let range = (batch * batchSize)..<min((batch + 1) * batchSize, count)
        let operations = range.map { index in
            let drawn = pool[index % pool.count]
            let response = NewResponse(
                response: UUID(), campaign: Scenario.campaign, address: addresses[index % addresses.count], form: form.id,
                formVersion: form.version, recordedAt: recordedAt, answers: drawn.answers, safeguarding: drawn.safeguarding
            )
            let stamp = HLCTimestamp(physical: startMilliseconds + Int64(index / 50_000), counter: index % 50_000, node: device)
            return SyncOperation(stamp: stamp, device: device, body: .createResponse(response))
        }
        return (try JSONEncoder.wire.encode(PushRequest(device: device, operations: operations)), operations.count)
    }
}
