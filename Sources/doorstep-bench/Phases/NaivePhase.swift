import DoorstepCore
import DoorstepWire
import DoorstepTransport
import Foundation

extension BenchRun {
    /// The same operations pushed the naive way, as OpenRosa-style collectors upload: one
    /// `POST /v1/push` per operation, each waiting for its answer, over one kept-alive connection of
    /// the libcurl transport, to a fresh server.
    func naive(_ pushed: PushedData) async throws {
        let operations = pushed.operations
        let server = try ServerProcess(data: try scenario.freshData("naive-data"), tools: tools)
        defer { server.stop() }
        guard let url = URL(string: server.url + "/v1/push") else { throw BenchError.serverDidNotStart(server.url) }
        let client = try HTTPClient()
        let encoder = JSONEncoder.wire
        let headers = [("Authorization", "Bearer \(scenario.collectorToken)"), ("Content-Type", "application/json")]

        Log.line("Timing the naive upload: \(operations.count) requests of one operation each")
        let cpuBefore = server.cpuSeconds()
        var requestBodies = 0
        var responseBodies = 0
        let ((), elapsed) = try await timedAsync {
            for operation in operations {
                let body = try encoder.encode(PushRequest(device: operation.device, operations: [operation]))
                let response = try await client.perform(HTTPRequest(method: .post, url: url, headers: headers, body: body))
                try Self.checkApplied(response, operation: operation)
                requestBodies += body.count
                responseBodies += response.body.count
            }
        }
        let serverCPU = server.cpuSeconds() - cpuBefore
        let seconds = elapsed.seconds
        Log.line("Naive upload took \(format(seconds)) s")

        // Headers are the same size on every request: measure them through the counting proxy by
        // sending the first few requests again (the server answers repeats from its log).
        let proxy = try CountingProxy(targetPort: url.port ?? 0)
        defer { proxy.stop() }
        let sample = Array(operations.prefix(20))
        var sampleBodies = (request: 0, response: 0)
        for operation in sample {
            let body = try encoder.encode(PushRequest(device: operation.device, operations: [operation]))
            let proxied = URL(string: "http://127.0.0.1:\(proxy.port)/v1/push")!
            let response = try await client.perform(HTTPRequest(method: .post, url: proxied, headers: headers, body: body))
            try Self.checkApplied(response, operation: operation)
            sampleBodies.request += body.count
            sampleBodies.response += response.body.count
        }
        let requestOverhead = Double(proxy.requestBytes - sampleBodies.request) / Double(sample.count)
        let responseOverhead = Double(proxy.responseBytes - sampleBodies.response) / Double(sample.count)
        let syncSeconds = pushed.syncSeconds
        report.naive = BenchReport.Naive(
            requests: operations.count, seconds: seconds,
            responsesPerSecond: Double(sizes.responses) / seconds,
            requestBytes: requestBodies + Int(requestOverhead * Double(operations.count)),
            responseBytes: responseBodies + Int(responseOverhead * Double(operations.count)),
            serverPeakMemory: server.peakMemory(), serverCPUSeconds: serverCPU,
            slowerThanSync: seconds / syncSeconds
        )
    }

    /// Checks that the server answered 200 and applied the operation.
    static func checkApplied(_ response: HTTPResponse, operation: SyncOperation) throws {
        guard response.status == 200 else {
            throw BenchError.requestFailed("POST /v1/push answered \(response.status): \(String(decoding: response.body.prefix(300), as: UTF8.self))")
        }
        let answer = try JSONDecoder().decode(PushResponse.self, from: response.body)
        guard answer.results.count == 1, answer.results[0].id == operation.id, answer.results[0].status == .applied else {
            throw BenchError.wrongResult("operation \(operation.id) was not applied: \(answer.results.first?.reason ?? "no result")")
        }
    }
}
