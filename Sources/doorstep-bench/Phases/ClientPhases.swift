import DoorstepCore
import DoorstepWire
import DoorstepStore
import DoorstepTransport
import Foundation

extension BenchRun {
    /// Every response pulled to a fresh device: `doorstep login` with an organiser token, then a
    /// timed `doorstep sync`; then the decoding of the same pages on its own, by the client's
    /// reader and by `JSONDecoder`.
    func pull(_ pushed: PushedData) async throws {
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
        let decoding = try await pullDecoding(server: pushed.server.url)
        report.pull = BenchReport.Pull(
            responses: pulled, seconds: seconds, responsesPerSecond: Double(pulled) / seconds,
            clientPeakMemory: exit.peakMemory, clientCPUSeconds: exit.cpuSeconds, decoding: decoding
        )
    }

    /// Fetches every pull page an organiser's device would (pages of the sync's size), then times
    /// decoding them all, in this process, with ``PullResponse/decode(json:)`` and with
    /// `JSONDecoder`, the best of three runs each; checks both give the same pages.
    func pullDecoding(server: String) async throws -> BenchReport.PullDecoding {
        guard let base = URL(string: server) else { throw BenchError.serverDidNotStart(server) }
        let client = try HTTPClient()
        let headers = [("Authorization", "Bearer \(scenario.organiserToken)"), ("Accept", "application/json")]
        var pages: [Data] = []
        var cursor: Int64 = 0
        while true {
            var components = URLComponents(url: base.appendingPathComponent("v1/pull"), resolvingAgainstBaseURL: false)!
            components.queryItems = [URLQueryItem(name: "cursor", value: String(cursor)), URLQueryItem(name: "limit", value: "5000")]
            let response = try await client.perform(HTTPRequest(method: .get, url: components.url!, headers: headers))
            guard response.status == 200 else {
                throw BenchError.requestFailed("a pull answered \(response.status): \(String(decoding: response.body.prefix(300), as: UTF8.self))")
            }
            pages.append(response.body)
            let page = try PullResponse.decode(json: response.body)
            cursor = page.cursor
            if !page.more { break }
        }
        let responses = try pages.reduce(0) { $0 + (try PullResponse.decode(json: $1)).responses.count }
        Log.line("Timing the decoding of \(pages.count) pull pages (\(responses) responses)")
        func best(_ decode: (Data) throws -> PullResponse) throws -> (milliseconds: Double, pages: [PullResponse]) {
            var times: [Double] = []
            var decoded: [PullResponse] = []
            for _ in 0..<3 {
                let (result, elapsed) = try timed { try pages.map(decode) }
                times.append(elapsed.seconds * 1000)
                decoded = result
            }
            return (times.min() ?? 0, decoded)
        }
        let reader = try best { try PullResponse.decode(json: $0) }
        let foundation = try best { try JSONDecoder().decode(PullResponse.self, from: $0) }
        guard reader.pages == foundation.pages else {
            throw BenchError.wrongResult("the pull reader and JSONDecoder read the pages differently")
        }
        Log.line("Decoded in \(format(reader.milliseconds)) ms by the pull reader, \(format(foundation.milliseconds)) ms by JSONDecoder")
        return BenchReport.PullDecoding(
            pages: pages.count, responses: responses, bytes: pages.reduce(0) { $0 + $1.count },
            readerMilliseconds: reader.milliseconds, jsonDecoderMilliseconds: foundation.milliseconds
        )
    }

    /// Wall time of `doorstep status` and `doorstep record --answers FILE`, each run as a new
    /// process, on the home that holds every response.
    func latency(_ pushed: PushedData) throws {
        let home = pushed.home.path
        let runs = sizes.latencyRuns
        var generator = AnswerGenerator(form: scenario.form, today: scenario.today, keys: scenario.keys, seed: seed &+ 1)
        var answerFiles: [URL] = []
        let encoder = JSONEncoder()
        for index in 0..<runs {
            let file = path("answers-\(index).json")
            // As typed at the door: doorstep record seals them.
            try encoder.encode(try generator.nextPlain().answers).write(to: file)
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
