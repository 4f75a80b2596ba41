import DoorstepTestSupport
import Foundation
import Testing

/// What organisers download from the server: exports, tallies and the report; and what others may not.
@Suite("Organiser commands end to end")
struct OrganiserCommandsTests {
    /// Three responses synced to the server; returns the organiser's laptop, the officer's and the ids.
    private func campaignWithResponses(_ deployment: Deployment) throws -> (organiser: Device, alice: Device, ids: Set<String>) {
        let alice = try deployment.device("alice")
        let organiser = try deployment.device("organiser", role: "organiser")
        try alice.sync()
        var ids: Set<String> = []
        for (index, address) in deployment.addresses.prefix(3).enumerated() {
            ids.insert(try alice.record(campaign: deployment.campaign, address: address, answers: SampleAnswers.consenting(occupants: index + 1)).lowercased())
        }
        try alice.sync()
        return (organiser, alice, ids)
    }

    @Test("export downloads every response as CSV or JSON, to stdout or a file only its owner can read")
    func export() throws {
        let deployment = try Deployment()
        let (organiser, _, ids) = try campaignWithResponses(deployment)

        // The raw CSV: a header with id and the questions, one row per response
        let csv = try organiser.expect(["export", "--campaign", deployment.campaign, "--format", "csv"])
        let rows = csv.split(whereSeparator: \.isNewline).map(String.init)
        let header = try #require(rows.first).split(separator: ",").map(String.init)
        #expect(header.contains("id"))
        #expect(header.contains("occupants"))
        #expect(rows.count == 4)
        let idColumn = try #require(header.firstIndex(of: "id"))
        #expect(Set(rows.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)[idColumn].lowercased() }) == ids)

        // The raw JSON, written to a file
        let file = organiser.home.appending("export.json").path
        try organiser.expect(["export", "--campaign", deployment.campaign, "--format", "json", "--output", file])
        #expect(try JSON.array(try String(contentsOfFile: file, encoding: .utf8)).count == 3)
        let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test("export --aggregate and report download the tallies and the HTML report")
    func aggregatesAndReport() throws {
        let deployment = try Deployment()
        let (organiser, _, _) = try campaignWithResponses(deployment)
        let tallies = try organiser.expect(["export", "--campaign", deployment.campaign, "--aggregate", "--format", "csv"])
        #expect(!tallies.isEmpty)
        let json = try JSON.object(try organiser.expect(["export", "--campaign", deployment.campaign, "--aggregate", "--format", "json"]))
        #expect(!json.isEmpty)
        let report = organiser.home.appending("report.html").path
        try organiser.expect(["report", "--campaign", deployment.campaign, "--output", report])
        #expect(try String(contentsOfFile: report, encoding: .utf8).lowercased().contains("<html"))
    }

    @Test("export --aggregate --language cy labels the tallies in Welsh from the form on the laptop; names and counts stay")
    func aggregatesInWelsh() throws {
        let deployment = try Deployment(form: "community-safety-cy")
        let alice = try deployment.device("alice")
        let organiser = try deployment.device("organiser", role: "organiser")
        try alice.sync()
        for (address, safe) in zip(deployment.addresses, ["very_safe", "very_safe", "a_bit_unsafe"]) {
            _ = try alice.record(campaign: deployment.campaign, address: address, answers: [
                "consent": "yes", "safe_day": safe, "safe_after_dark": "fairly_safe", "problems": ["none"],
                "would_report": "yes", "follow_up": "no", "safeguarding_concern": "no",
            ])
        }
        try alice.sync()
        try organiser.sync()

        let english = try organiser.expect(["export", "--campaign", deployment.campaign, "--aggregate", "--format", "csv"])
        let welsh = try organiser.expect(["export", "--campaign", deployment.campaign, "--aggregate", "--format", "csv", "--language", "cy"])
        let question = "How safe do you feel walking alone in this area during the day?"
        let cwestiwn = "Pa mor ddiogel ydych chi'n teimlo wrth gerdded ar eich pen eich hun yn yr ardal hon yn ystod y dydd?"
        #expect(english.contains("choice,all,safe_day,\(question),very_safe,Very safe,2,"))
        #expect(welsh.contains("choice,all,safe_day,\(cwestiwn),very_safe,Diogel iawn,2,"))

        // In JSON, only the labels differ.
        let json = try JSON.object(try organiser.expect(
            ["export", "--campaign", deployment.campaign, "--aggregate", "--format", "json", "--language", "cy"]
        ))
        let questions = try #require(json["questions"] as? [[String: Any]])
        #expect(questions.first { $0["name"] as? String == "safe_day" }?["label"] as? String == cwestiwn)
        let plain = try JSON.object(try organiser.expect(["export", "--campaign", deployment.campaign, "--aggregate", "--format", "json"]))
        func withoutLabels(_ value: Any) -> Any {
            if let object = value as? [String: Any] {
                return object.filter { $0.key != "label" }.mapValues(withoutLabels)
            }
            if let array = value as? [Any] { return array.map(withoutLabels) }
            return value
        }
        #expect(withoutLabels(json) as? NSDictionary == withoutLabels(plain) as? NSDictionary)
        #expect(withoutLabels(json) as? NSDictionary != json as NSDictionary)

        // The responses hold names only; and a language the form does not have is refused.
        #expect(try organiser.run(["export", "--campaign", deployment.campaign, "--language", "cy"]).status == 64)
        let french = try organiser.run(["export", "--campaign", deployment.campaign, "--aggregate", "--language", "fr"])
        #expect(french.status == 64)
        #expect(french.stderr.contains("has no language 'fr'; it has English (en), Cymraeg (cy)."))

        // The report the server draws labels them in Welsh too; a language it lacks is refused.
        let report = organiser.home.appending("adroddiad.html").path
        try organiser.expect(["report", "--campaign", deployment.campaign, "--language", "cy", "--output", report])
        let html = try String(contentsOfFile: report, encoding: .utf8)
        #expect(html.contains("Diogel iawn") && !html.contains(">Very safe<"))
        let refused = try organiser.run(["report", "--campaign", deployment.campaign, "--language", "fr", "--output", "-"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("has no language 'fr'"), "\(refused.stderr)")
    }

    @Test("A collector may not export (77), and an unknown campaign is bad data (65)")
    func exportRefusals() throws {
        let deployment = try Deployment()
        let (organiser, alice, _) = try campaignWithResponses(deployment)
        let refused = try alice.run(["export", "--campaign", deployment.campaign])
        #expect(refused.status == 77)
        #expect(refused.stdout.isEmpty)
        #expect(try organiser.run(["export", "--campaign", "no-such-campaign", "--retry-max-time", "0"]).status == 65)
    }

    @Test("conflicts and resolve are for organisers only")
    func conflictsNeedOrganiser() throws {
        let deployment = try Deployment()
        let alice = try deployment.device("alice")
        let result = try alice.run(["conflicts"])
        #expect(result.status == 77)
        #expect(!result.stderr.isEmpty)
        #expect(try alice.run(["resolve", "some-conflict"]).status == 64)
    }

    @Test("On a terminal sync draws a progress bar; in a pipe it does not",
          .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script")))
    func progressOnlyOnTerminal() throws {
        let deployment = try Deployment()
        let alice = try deployment.device("alice")
        try alice.sync()
        _ = try BulkRecorder.record(home: alice.home.url, campaign: deployment.campaign, addresses: deployment.addresses, count: 300)
        let piped = try alice.run(["sync", "--batch-size", "100"])
        #expect(piped.status == 0)
        #expect(!piped.stdout.contains("Pushing ["))
        #expect(piped.stdout.hasPrefix("Pushed "))

        _ = try BulkRecorder.record(home: alice.home.url, campaign: deployment.campaign, addresses: deployment.addresses, count: 300)
        let command = "\(BuiltProducts.executable("doorstep").path) sync --batch-size 100"
        let terminal = try ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/script"), ["-qec", command, "/dev/null"], environment: alice.environment)
        #expect(terminal.status == 0)
        #expect(terminal.stdout.contains("Pushing ["))
        #expect(terminal.stdout.contains("300/300"))
        #expect(terminal.stdout.contains("Pushed 300 changes"))
    }
}
