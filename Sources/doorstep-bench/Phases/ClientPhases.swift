import DoorstepCore
import DoorstepStore
import Foundation

extension BenchRun {
    /// Every response pulled to a fresh device: `doorstep login` with an organiser token, then a
    /// timed `doorstep sync`.
    func pull(_ pushed: PushedData) throws {
        let home = path("home-organiser")
        try tools.client(["login", "--home", home.path, "--server", pushed.server.url, "--token", scenario.organiserToken])
        Log.line("Timing doorstep sync of a fresh organiser device")
        let exit = try tools.run(tools.doorstep, ["sync", "--home", home.path, "--json"])
        _ = try syncSummary(try exit.checkedOutput(), command: "doorstep sync (organiser)")
        let pulled = try ClientStore(home: home).responses(campaign: Scenario.campaign).count
        guard pulled == sizes.responses else {
            throw BenchError.wrongResult("the organiser's device holds \(pulled) of \(sizes.responses) responses after a pull")
        }
        let seconds = exit.elapsed.seconds
        Log.line("Pulled \(pulled) responses in \(format(seconds)) s")
        report.pull = BenchReport.Pull(
            responses: pulled, seconds: seconds, responsesPerSecond: Double(pulled) / seconds,
            clientPeakMemory: exit.peakMemory, clientCPUSeconds: exit.cpuSeconds
        )
    }

    /// Wall time of `doorstep status` and `doorstep record --answers FILE`, each run as a new
    /// process, on the home that holds every response.
    func latency(_ pushed: PushedData) throws {
        let home = pushed.home.path
        let runs = sizes.latencyRuns
        var generator = AnswerGenerator(form: scenario.form, today: scenario.today, seed: seed &+ 1)
        var answerFiles: [URL] = []
        let encoder = JSONEncoder()
        for index in 0..<runs {
            let file = path("answers-\(index).json")
            try encoder.encode(try generator.next().answers).write(to: file)
            answerFiles.append(file)
        }
        Log.line("Timing \(runs) runs each of doorstep status and doorstep record on a home of \(sizes.responses) responses")
        _ = try tools.run(tools.doorstep, ["status", "--home", home]).checkedOutput()
        var status: [Double] = []
        var record: [Double] = []
        var statusPeak = 0
        var recordPeak = 0
        for index in 0..<runs {
            let statusExit = try tools.run(tools.doorstep, ["status", "--home", home, "--json"])
            _ = try statusExit.checkedOutput()
            status.append(statusExit.elapsed.seconds * 1000)
            statusPeak = max(statusPeak, statusExit.peakMemory)
            let address = scenario.addresses[index % scenario.addresses.count]
            let recordExit = try tools.run(tools.doorstep, [
                "record", "--home", home, "--campaign", Scenario.campaign, "--address", address,
                "--answers", answerFiles[index].path, "--yes",
            ])
            let id = try recordExit.checkedOutput().trimmingCharacters(in: .whitespacesAndNewlines)
            guard UUID(uuidString: id) != nil else { throw BenchError.wrongResult("doorstep record printed \(id), not a response id") }
            record.append(recordExit.elapsed.seconds * 1000)
            recordPeak = max(recordPeak, recordExit.peakMemory)
        }
        report.clientLatency = BenchReport.ClientLatency(
            homeResponses: sizes.responses, runs: runs,
            statusMedianMilliseconds: Statistics.median(status), statusP95Milliseconds: Statistics.percentile(status, 0.95),
            recordMedianMilliseconds: Statistics.median(record), recordP95Milliseconds: Statistics.percentile(record, 0.95),
            statusPeakMemory: statusPeak, recordPeakMemory: recordPeak
        )
        Log.line("status median \(format(Statistics.median(status))) ms, record median \(format(Statistics.median(record))) ms")
    }
}
