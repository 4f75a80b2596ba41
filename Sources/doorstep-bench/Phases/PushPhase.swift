import DoorstepCore
import DoorstepStore
import Foundation

extension BenchRun {
    /// Records the responses in one home, then times the real `doorstep sync` to a fresh server,
    /// and replays the same sync through a counting proxy (to another fresh server) for the bytes.
    func push() async throws -> PushedData {
        let count = sizes.responses
        let server = try ServerProcess(data: try scenario.freshData("push-data"), tools: tools)
        let home = path("home")
        try enrol(home: home, server: server.url, token: scenario.collectorToken)

        Log.line("Recording \(count) responses in one home through ClientStore.recordResponse")
        var generator = AnswerGenerator(form: scenario.form, today: scenario.today, keys: scenario.keys, seed: seed)
        let generated = try scenario.record(count, in: home, generator: &generator)
        let operations = try ClientStore(home: home).pendingOperations(limit: Int.max)
        let replayHome = path("home-replay")
        try FileManager.default.copyItem(at: home, to: replayHome)
        Log.line("Recorded in \(format(generated.seconds)) s; \(operations.count) operations wait in the outbox")

        Log.line("Timing doorstep sync of \(operations.count) operations to a fresh server")
        let logMark = server.process.errors().count
        let cpuBefore = server.cpuSeconds()
        let writtenBefore = server.process.writtenBytes() ?? 0
        let exit = try tools.run(tools.doorstep, ["sync", "--home", home.path, "--json", "--verbose"])
        let summary = try syncSummary(try exit.checkedOutput(), command: "doorstep sync")
        guard summary.pushed == operations.count else {
            throw BenchError.wrongResult("doorstep sync pushed \(summary.pushed) of \(operations.count) operations")
        }
        let serverCPU = server.cpuSeconds() - cpuBefore
        let serverWritten = (server.process.writtenBytes() ?? 0) - writtenBefore
        let log = RequestLog.totals(server.process.errors().dropFirst(logMark))
        let seconds = exit.elapsed.seconds
        Log.line("Synced in \(format(seconds)) s (server: push \(format(log["POST /v1/push"]?.seconds ?? 0)) s, pull \(format(log["GET /v1/pull"]?.seconds ?? 0)) s)")

        let (bytes, proxiedSeconds) = try replayThroughProxy(home: replayHome, operations: operations.count)
        report.push = BenchReport.Push(
            responses: count, operations: operations.count, seconds: seconds,
            responsesPerSecond: Double(count) / seconds,
            serverPushSeconds: log["POST /v1/push"]?.seconds, serverPullSeconds: log["GET /v1/pull"]?.seconds,
            pushRequests: log["POST /v1/push"]?.count,
            requestBytes: bytes.request, responseBytes: bytes.response,
            clientPeakMemory: exit.peakMemory, clientCPUSeconds: exit.cpuSeconds,
            serverPeakMemory: server.peakMemory(), serverCPUSeconds: serverCPU, serverWrittenBytes: serverWritten,
            generateSeconds: generated.seconds, proxiedSeconds: proxiedSeconds
        )
        return PushedData(
            home: home, server: server, operations: operations, syncSeconds: seconds,
            serverPushSeconds: log["POST /v1/push"]?.seconds
        )
    }

    /// The same sync from a copy of the home, through the counting proxy, to another fresh server.
    private func replayThroughProxy(home: URL, operations: Int) throws -> (bytes: (request: Int, response: Int), seconds: Double) {
        let server = try ServerProcess(data: try scenario.freshData("replay-data"), tools: tools)
        defer { server.stop() }
        guard let port = URL(string: server.url)?.port else { throw BenchError.serverDidNotStart(server.url) }
        let proxy = try CountingProxy(targetPort: port)
        defer { proxy.stop() }
        try tools.client(["login", "--home", home.path, "--server", "http://127.0.0.1:\(proxy.port)", "--token", scenario.collectorToken])
        let before = (proxy.requestBytes, proxy.responseBytes)
        let exit = try tools.run(tools.doorstep, ["sync", "--home", home.path, "--json"])
        let summary = try syncSummary(try exit.checkedOutput(), command: "doorstep sync (replay)")
        guard summary.pushed == operations else {
            throw BenchError.wrongResult("the replayed sync pushed \(summary.pushed) of \(operations) operations")
        }
        let bytes = (proxy.requestBytes - before.0, proxy.responseBytes - before.1)
        Log.line("Replayed through the counting proxy: \(formatBytes(bytes.0)) up, \(formatBytes(bytes.1)) down")
        return (bytes, exit.elapsed.seconds)
    }
}

/// A number of seconds with two decimals.
func format(_ seconds: Double) -> String {
    String(format: "%.2f", seconds)
}

/// A byte count in MB (10^6) or KB.
func formatBytes(_ bytes: Int) -> String {
    bytes >= 1_000_000 ? String(format: "%.1f MB", Double(bytes) / 1e6) : String(format: "%.1f KB", Double(bytes) / 1e3)
}
