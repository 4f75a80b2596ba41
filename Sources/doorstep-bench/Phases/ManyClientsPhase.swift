import DoorstepCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension BenchRun {
    /// Many officers' laptops syncing at once: one home and one collector token per client, each
    /// with its own responses, then every `doorstep sync` started together against one server, or
    /// against `instances` servers on one PostgreSQL database (client N syncs with instance N mod
    /// `instances`, as a load balancer would spread them).
    func manyClients() throws {
        let clients = sizes.clients
        let perClient = sizes.clientResponses
        let data = try scenario.freshData("clients-data")
        Log.line("Preparing \(clients) client homes of \(perClient) responses each")
        var tokens: [String] = []
        for index in 0..<clients {
            tokens.append(try tools.createToken(data: data, role: "collector", name: "officer-\(index + 1)"))
        }
        let servers = try (0..<instances).map { index in
            try ServerProcess(data: data, tools: tools, instance: instances > 1 ? "bench-\(index + 1)" : nil)
        }
        var serversStopped = false
        defer { if !serversStopped { for server in servers { server.stop() } } }
        var generator = AnswerGenerator(form: scenario.form, today: scenario.today, keys: scenario.keys, seed: seed &+ 3)
        var homes: [URL] = []
        for index in 0..<clients {
            let home = path("client-\(index + 1)")
            try enrol(home: home, server: servers[index % servers.count].url, token: tokens[index])
            _ = try scenario.record(perClient, in: home, generator: &generator, firstAddress: index * perClient)
            homes.append(home)
        }

        Log.line("Starting \(clients) doorstep sync processes at once, against \(servers.count) server instance(s)")
        let clock = ContinuousClock()
        let start = clock.now
        var running: [pid_t: Subprocess] = [:]
        for home in homes {
            let process = try tools.spawn(tools.doorstep, ["sync", "--home", home.path, "--json"])
            running[process.pid] = process
        }
        var latencies: [Double] = []
        var errors = 0
        var pushed = 0
        var failures: [String] = []
        while !running.isEmpty {
            var status: Int32 = 0
            var usage = rusage()
            let pid = wait4(-1, &status, 0, &usage)
            if pid < 0 {
                if errno == EINTR { continue }
                break
            }
            guard let process = running.removeValue(forKey: pid) else {
                throw BenchError.wrongResult("the server stopped while \(clients) clients were syncing")
            }
            let exit = Subprocess.Exit(rawStatus: status, usage: usage, elapsed: clock.now - process.started, peakMemory: 0, process: process)
            latencies.append(exit.elapsed.seconds * 1000)
            do {
                pushed += try syncSummary(try exit.checkedOutput(), command: "doorstep sync").pushed
            } catch {
                errors += 1
                failures.append("\(error)")
            }
        }
        let seconds = (clock.now - start).seconds
        let peak = servers.map { $0.peakMemory() }.reduce(0, +)
        for server in servers { server.stop() }
        serversStopped = true

        // Every response exactly once on the server.
        let stored = try data.count("SELECT COUNT(*) FROM responses")
        let expected = clients * perClient
        if stored != expected {
            errors += 1
            failures.append("the server holds \(stored) responses, not \(expected)")
        }
        for failure in failures.prefix(5) { Log.line("  error: \(failure)") }
        report.manyClients = BenchReport.ManyClients(
            clients: clients, instances: servers.count, responsesPerClient: perClient, operations: pushed, seconds: seconds,
            operationsPerSecond: Double(pushed) / seconds,
            p50Milliseconds: Statistics.percentile(latencies, 0.5), p99Milliseconds: Statistics.percentile(latencies, 0.99),
            maxMilliseconds: latencies.max() ?? 0, errors: errors, serverPeakMemory: peak
        )
        Log.line("\(clients) clients pushed \(pushed) operations in \(format(seconds)) s with \(errors) errors")
    }
}
