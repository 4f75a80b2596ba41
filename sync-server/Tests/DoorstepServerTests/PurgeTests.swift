import DoorstepCore
import DoorstepServer
import DoorstepTestSupport
import DoorstepWire
import Foundation
import HummingbirdTesting
import Testing

@testable import DoorstepServer

/// The purge: answers past their retention period leave the server through the erasure path.
///
/// The fixture's responses are recorded on 2026-11-01, so a period of a minute has ended for them
/// whenever the tests run; a purge "now" one second after the recording finds nothing.
@Suite("Purge of answers past their retention period")
struct PurgeTests {
    /// A form whose worries and phone number are kept a minute, the rest until erased.
    static let formYAML = """
        id: kept
        version: 1
        title: Retention test
        questions:
          - {name: safe, type: select_one scale, label: How safe do you feel?, required: true}
          - {name: worries, type: select_multiple worry, label: What worries you?, retention: 1 minute}
          - {name: phone, type: text, label: Phone number, sensitive: true, required: true, retention: 1 minute}
          - {name: comment, type: text, label: Anything else?}
        choices:
          scale:
            - {name: very, label: Very safe}
            - {name: not, label: Not safe}
          worry:
            - {name: drugs, label: Drug dealing}
            - {name: fires, label: Fires}
        """

    static let phone = "07700 900 4411"

    /// The fixture, with a second campaign on the form above.
    static func fixture() throws -> ServerFixture {
        let fixture = try ServerFixture()
        try fixture.database.publishForm(source: formYAML)
        try fixture.database.createCampaign(
            id: "day2", name: "Second day", form: "kept",
            addresses: [WalkListAddress(id: "b1", address: "1 Low Road"), WalkListAddress(id: "b2", address: "2 Low Road")]
        )
        return fixture
    }

    static func create(_ response: UUID, address: String, answers: Answers, _ offset: Int64) -> SyncOperation {
        Ops.create(response, address: address, answers: answers, stamp: Ops.stamp(offset, "d"), form: "kept", campaign: "day2")
    }

    /// How many rows of `table` hold `text` in `column`.
    static func holding(_ fixture: ServerFixture, _ table: String, _ column: String, _ text: String) throws -> Int {
        try fixture.count(table, where: "\(column) LIKE '%\(text)%'")
    }

    static func tally(_ fixture: ServerFixture, _ question: String) throws -> Int {
        try fixture.count("tallies", where: "campaign = 'day2' AND question = '\(question)' AND count > 0")
    }

    @Test("Expired answers leave field writes, conflicts, the log and tallies; the response is marked expired; a dry run and a second run change nothing")
    func purgeRemovesExactlyTheExpiredAnswers() async throws {
        let fixture = try Self.fixture()
        let (withPhone, without) = (UUID(), UUID())
        try await fixture.app.test(.router) { client in
            let results = try await client.push([
                Self.create(withPhone, address: "b1", answers: [
                    "safe": .text("very"), "worries": .list(["drugs"]), "phone": .text(Self.phone), "comment": .text("Lamp out"),
                ], 1),
                Self.create(without, address: "b2", answers: ["safe": .text("not"), "phone": .text("07700 900 1234")], 2),
            ], token: fixture.token(.collector))
            #expect(results.results.map(\.status) == [.applied, .applied])
            #expect(try Self.holding(fixture, "field_writes", "value_json", Self.phone) == 1)
            #expect(try Self.holding(fixture, "operations", "payload_json", Self.phone) == 1)
            #expect(try Self.tally(fixture, "worries") > 0)

            // Not yet: a second after the recording nothing has expired.
            let early = try await fixture.database.purge(dryRun: true, by: "purge", now: Date(timeIntervalSince1970: 1_793_527_201))
            #expect(early.responses.isEmpty)

            // A dry run says what would go and changes nothing.
            let sequence = try await fixture.database.store.read { db in try ServerDatabase.sequence(db) }
            let dry = try await fixture.database.purge(dryRun: true, by: "purge")
            #expect(dry.dryRun)
            #expect(Set(dry.responses.map(\.id)) == [withPhone.lowercasedString, without.lowercasedString])
            #expect(dry.answers == 3)
            #expect(try Self.holding(fixture, "field_writes", "value_json", Self.phone) == 1)
            let after = try await fixture.database.store.read { db in try ServerDatabase.sequence(db) }
            #expect(after == sequence)
            #expect(try fixture.count("audit_log", where: "action = 'purge'") == 0)

            // The purge removes the phone numbers and worries, and nothing else.
            let report = try await fixture.database.purge(by: "purge")
            let purged = try #require(report.responses.first { $0.id == withPhone.lowercasedString })
            #expect(purged.answers == ["phone", "worries"])
            #expect(purged.erased == .expired)
            #expect(report.answers == 3)
            for table in [("field_writes", "value_json"), ("operations", "payload_json"), ("responses", "answers_json"), ("responses", "fields_json")] {
                #expect(try Self.holding(fixture, table.0, table.1, Self.phone) == 0, "\(table)")
                #expect(try Self.holding(fixture, table.0, table.1, "drugs") == 0, "\(table)")
            }
            #expect(try Self.holding(fixture, "operations", "payload_json", "Lamp out") == 1)
            #expect(try Self.tally(fixture, "worries") == 0)
            #expect(try Self.tally(fixture, "safe") > 0)
            #expect(try fixture.count("responses", where: "erased = 'expired'") == 2)

            // One audit entry per run, naming who ran it.
            let audit = try await fixture.database.store.read { db in
                try SQLRow.fetchAll(db, sql: "SELECT token_name, detail FROM audit_log WHERE action = 'purge'")
            }
            #expect(audit.map { $0["token_name"] as String } == ["purge"])
            #expect(audit.map { $0["detail"] as String } == ["Purged 3 answers of 2 responses whose retention period ended."])
            let runs = try await fixture.database.purgeRuns()
            #expect(runs.runs == 1 && runs.answers == 3)

            // A second run purges nothing more, and still leaves its entry.
            let again = try await fixture.database.purge(by: "serve")
            #expect(again.responses.isEmpty)
            #expect(try fixture.count("audit_log", where: "action = 'purge' AND token_name = 'serve'") == 1)

            // Devices pull the new state: marked expired, without the expired answers.
            let pages = try await client.pullAll(token: fixture.token(.organiser)).pages
            let state = try #require(pages.flatMap(\.responses).first { $0.id == withPhone })
            #expect(state.erased == .expired)
            #expect(Set(state.fields.keys) == ["safe", "comment"])
            let campaign = try #require(pages.flatMap(\.campaigns).first { $0.id == "day2" })
            #expect(campaign.deviceRetention == "30 days")
        }
    }

    @Test("After a purge, writes to the expired answers are kept off and others merge; a device may not erase with scope expired")
    func writesAfterAPurge() async throws {
        let fixture = try Self.fixture()
        let response = UUID()
        try await fixture.app.test(.router) { client in
            let first = Ops.stamp(1, "d")
            _ = try await client.push([
                Self.create(response, address: "b1", answers: ["safe": .text("very"), "phone": .text(Self.phone)], 1),
            ], token: fixture.token(.collector))
            _ = try await fixture.database.purge(by: "purge")
            let results = try await client.push([
                Ops.update(response, [FieldChange(name: "phone", value: .text("07700 900 9999"), base: first)], stamp: Ops.stamp(2, "d")),
                Ops.update(response, [FieldChange(name: "comment", value: .text("Thanks"), base: nil)], stamp: Ops.stamp(3, "d")),
                Ops.erase(response, scope: .expired, stamp: Ops.stamp(4, "d")),
            ], token: fixture.token(.collector))
            #expect(results.results.map(\.status) == [.applied, .applied, .rejected])
            #expect(results.results[2].reason?.contains("scope expired") == true)
            #expect(try Self.holding(fixture, "field_writes", "value_json", "9999") == 0)
            #expect(try Self.holding(fixture, "operations", "payload_json", "9999") == 0)
            let state = try #require(try await client.pullAll(token: fixture.token(.organiser)).pages.flatMap(\.responses).first { $0.id == response })
            #expect(state.erased == .expired)
            #expect(state.fields["phone"] == nil)
            #expect(state.fields["comment"]?.value == .text("Thanks"))

            // A new response may not arrive marked expired either.
            var created = Self.create(UUID(), address: "b2", answers: ["safe": .text("not")], 5)
            if case .createResponse(var new) = created.body {
                new.erased = .expired
                created.body = .createResponse(new)
            }
            let refused = try await client.push([created], token: fixture.token(.collector))
            #expect(refused.results.map(\.status) == [.rejected])
        }
    }

    @Test("Two purges at once (two instances on PostgreSQL) remove each answer once")
    func concurrentPurgesPurgeOnce() async throws {
        let fixture = try Self.fixture()
        try await fixture.app.test(.router) { client in
            _ = try await client.push([
                Self.create(UUID(), address: "b1", answers: ["safe": .text("very"), "phone": .text(Self.phone)], 1),
                Self.create(UUID(), address: "b2", answers: ["safe": .text("not"), "phone": .text("07700 900 1234")], 2),
            ], token: fixture.token(.collector))
        }
        let other = try ServerDatabase.forTest(fixture.directory.url)
        async let first = fixture.database.purge(by: "serve")
        async let second = other.purge(by: "serve")
        let reports = try await [first, second]
        try other.close()
        #expect(reports.map(\.answers).reduce(0, +) == 2)
        #expect(Set(reports.flatMap(\.responses).map(\.id)).count == 2)
        #expect(try fixture.count("audit_log", where: "action = 'purge'") == 2)
        #expect(try Self.holding(fixture, "field_writes", "value_json", Self.phone) == 0)
    }

    @Test("The purge's runs and the answers it removed show in the metrics, whichever process ran it")
    func purgeMetrics() async throws {
        let fixture = try Self.fixture()
        try await fixture.app.test(.router) { client in
            _ = try await client.push([
                Self.create(UUID(), address: "b1", answers: ["safe": .text("very"), "worries": .list(["fires"]), "phone": .text(Self.phone)], 1),
            ], token: fixture.token(.collector))
        }
        try fixture.database.close()
        let port = try closedLoopbackPort()
        let server = try RunningServer(data: fixture.directory.path, arguments: ["--metrics-port", String(port), "--purge-interval", "0"])
        let before = try MetricsLiveTests.scrape(port: port)
        #expect(before["doorstep_purge_runs_total"] == 0 && before["doorstep_purged_answers_total"] == 0)
        let purged = try ProcessRunner.server(["purge", "--data", fixture.directory.path])
        #expect(purged.status == 0, "\(purged.stderr)")
        #expect(purged.stdout.contains("Purged 2 answers of 1 response."), "\(purged.stdout)")
        let after = try MetricsLiveTests.scrape(port: port)
        #expect(after["doorstep_purge_runs_total"] == 1)
        #expect(after["doorstep_purged_answers_total"] == 2)
        #expect(server.stop() == 0)
    }

    @Test("A run of several batches writes one audit entry, brought up to date with each batch")
    func severalBatchesOneEntry() async throws {
        let fixture = try Self.fixture()
        try await fixture.app.test(.router) { client in
            let operations = (0..<(ServerDatabase.purgeBatch + 50)).map { index in
                Ops.create(UUID(), answers: ["safe": .text("very"), "phone": .text("07700 900 \(1000 + index)")], stamp: Ops.stamp(Int64(index), "d"))
            }
            let pushed = try await client.push(operations, token: fixture.token(.collector))
            #expect(pushed.results.allSatisfy { $0.status == .applied })
        }
        try fixture.database.updateCampaign(id: ServerFixture.campaign, retention: RetentionPeriod("1 minute"))
        let report = try await fixture.database.purge(by: "purge")
        #expect(report.responses.count == ServerDatabase.purgeBatch + 50)
        let details = try await fixture.database.store.read { db in
            try String.fetchAll(db, sql: "SELECT detail FROM audit_log WHERE action = 'purge'")
        }
        let count = ServerDatabase.purgeBatch + 50
        #expect(details == ["Purged \(2 * count) answers of \(count) responses whose retention period ended."])
        let runs = try await fixture.database.purgeRuns()
        #expect(runs.runs == 1 && runs.answers == 2 * count)
    }

    @Test("A campaign's retention caps every answer: all of them expire, the response is erased whole and counts nowhere")
    func campaignCapExpiresEverything() async throws {
        let fixture = try Self.fixture()
        try await fixture.app.test(.router) { client in
            _ = try await client.push([
                Ops.create(UUID(), answers: ["safe": .text("very"), "phone": .text(Self.phone)], stamp: Ops.stamp(1, "d")),
            ], token: fixture.token(.collector))
            #expect(try await fixture.database.purge(dryRun: true, by: "purge").responses.isEmpty)
            try fixture.database.updateCampaign(id: ServerFixture.campaign, retention: RetentionPeriod("1 minute"), deviceRetention: RetentionPeriod("7 days"))
            let report = try await fixture.database.purge(by: "purge")
            #expect(report.responses.map(\.erased) == [.all])
            #expect(try fixture.count("tallies", where: "campaign = '\(ServerFixture.campaign)' AND count > 0") == 0)
            #expect(try Self.holding(fixture, "field_writes", "value_json", Self.phone) == 0)
            let pages = try await client.pullAll(token: fixture.token(.organiser)).pages
            #expect(pages.flatMap(\.campaigns).first { $0.id == ServerFixture.campaign }?.deviceRetention == "7 days")
            #expect(pages.flatMap(\.responses).first?.erased == .all)
        }
    }

    @Test("campaigns create and update take retention periods and refuse bad ones naming the rule; purge --dry-run says what would go")
    func commands() throws {
        let fixture = try Self.fixture()
        try fixture.database.close()
        let data = fixture.directory.path
        let walk = fixture.directory.appending("walk.csv")
        try "id,address\nc1,1 Side Street\n".write(to: walk, atomically: true, encoding: .utf8)
        let bad = try ProcessRunner.server([
            "campaigns", "create", "--data", data, "--id", "day3", "--name", "Third", "--form", "survey",
            "--addresses", walk.path, "--retention", "forever",
        ])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains(RetentionPeriod.rule), "\(bad.stderr)")
        let made = try ProcessRunner.server([
            "campaigns", "create", "--data", data, "--id", "day3", "--name", "Third", "--form", "survey",
            "--addresses", walk.path, "--retention", "6 months", "--device-retention", "14 days",
        ])
        #expect(made.status == 0, "\(made.stderr)")
        let updated = try ProcessRunner.server(["campaigns", "update", "--data", data, "--id", "day3", "--device-retention", "2 weeks"])
        #expect(updated.status == 0, "\(updated.stderr)")
        let unknown = try ProcessRunner.server(["campaigns", "update", "--data", data, "--id", "nope", "--retention", "1 day"])
        #expect(unknown.status == 65)
        let badUpdate = try ProcessRunner.server(["campaigns", "update", "--data", data, "--id", "day3", "--device-retention", "0 days"])
        #expect(badUpdate.status == 64)
        #expect(badUpdate.stderr.contains(RetentionPeriod.rule))

        let listed = try ProcessRunner.server(["campaigns", "list", "--data", data])
        #expect(listed.stdout.contains("KEPT      ON LAPTOPS"), "\(listed.stdout)")
        #expect(listed.stdout.contains("6 months  2 weeks"), "\(listed.stdout)")
        let database = try ServerDatabase.forTest(fixture.directory.url)
        let row = try database.store.read { db in
            try SQLRow.fetchOne(db, sql: "SELECT retention, device_retention FROM campaigns WHERE id = 'day3'")
        }
        #expect(row?["retention"] as String? == "6 months")
        #expect(row?["device_retention"] as String? == "2 weeks")
        try database.close()

        let dry = try ProcessRunner.server(["purge", "--data", data, "--dry-run"])
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains("Would purge 0 answers of 0 responses; nothing was changed."), "\(dry.stdout)")
        let json = try ProcessRunner.server(["purge", "--data", data, "--json"])
        #expect(json.status == 0, "\(json.stderr)")
        #expect(json.stdout.contains("\"by\" : \"purge\""), "\(json.stdout)")
    }
}
