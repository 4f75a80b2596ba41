import DoorstepCore
import DoorstepSealing
import DoorstepTestSupport
import DoorstepServer
import DoorstepWire
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// Follow-ups reach the agencies the resident chose and only them; outcomes come only from the
/// agency asked; organisers see completion as counts. Every path is tried with raw HTTP.
@Suite("Follow-ups: sealed answers, agency worklists and outcomes")
struct FollowUpTests {
    static let form = """
        id: contact
        version: 1
        title: Contact
        follow_ups:
          - question: agency
            agencies: {fire_rescue: fire, council: council-asb, housing: housing}
            sealed: [phone]
            with: [best_time]
        questions:
          - name: agency
            type: select_multiple agency
            label: Who should contact you?
          - name: phone
            type: text
            label: Phone
            relevant: count-selected(${agency}) > 0
            sensitive: true
            retention: 12 months
          - name: best_time
            type: text
            label: When is best?
          - name: note
            type: text
            label: Anything else?
        choices:
          agency:
            - {name: fire_rescue, label: Fire}
            - {name: council, label: Council}
            - {name: housing, label: Housing}
            - {name: other, label: Someone else}
        """
    static let campaign = "contact-day"
    static let council = try! AgencyKeyring.generate(agency: "council-asb", created: "2026-12-04T00:00:00Z")
    static let housing = try! AgencyKeyring.generate(agency: "housing", created: "2026-12-04T00:00:00Z")

    /// The server fixture with the contact form's campaign, three agencies and a token for each.
    struct Partnership {
        let fixture: ServerFixture
        let agencyTokens: [String: String]

        init() throws {
            fixture = try ServerFixture()
            try fixture.database.publishForm(source: FollowUpTests.form)
            try fixture.database.createCampaign(
                id: FollowUpTests.campaign, name: "Contact day", form: "contact",
                addresses: [WalkListAddress(id: "d1", address: "1 Canal Row", postcode: "WE1 1AB", street: "Canal Row")]
            )
            try fixture.database.addAgency(id: "council-asb", name: "Council", key: FollowUpTests.council.currentPublicKey)
            try fixture.database.addAgency(id: "housing", name: "Housing", key: FollowUpTests.housing.currentPublicKey)
            var tokens = [ServerFixture.agency: fixture.token(.agency)]
            for agency in ["council-asb", "housing"] {
                tokens[agency] = try fixture.database.createToken(name: "\(agency) desk", role: .agency, agency: agency).token
            }
            agencyTokens = tokens
        }

        var keys: [String: AgencyPublicKey] {
            [
                "fire": ServerFixture.agencyKeyring.currentPublicKey, "council-asb": FollowUpTests.council.currentPublicKey,
                "housing": FollowUpTests.housing.currentPublicKey,
            ]
        }

        /// A collector's create of a resident asking `chosen`, the phone sealed to `sealedTo`.
        func create(_ id: UUID, chosen: [String], sealedTo: [String], phone: String = "07700 900123") throws -> SyncOperation {
            let sealed = try AnswerSealer.seal(phone, response: id, question: "phone", to: sealedTo.map { keys[$0]! })
            return Ops.create(
                id, address: "d1",
                answers: ["agency": .list(chosen), "phone": .text(sealed.text), "best_time": .text("evenings"), "note": .text("dog")],
                stamp: Ops.stamp(0, "laptop-1"), form: "contact", campaign: FollowUpTests.campaign
            )
        }

        /// A sealed answer to `agencies` under their registered keys unless `keyIDs` says, with a
        /// made-up ciphertext of `byte`s: the server checks the shape and the keys, never the contents.
        func sealed(to agencies: [String], keyIDs: [String: String] = [:], byte: UInt8 = 9) -> AnswerValue {
            .text(SealedAnswer(recipients: agencies.map { agency in
                SealedAnswer.Recipient(
                    agency: agency, keyID: keyIDs[agency] ?? keys[agency]!.keyID,
                    encapsulatedKey: [UInt8](repeating: 7, count: 32), ciphertext: [UInt8](repeating: byte, count: 24)
                )
            }).text)
        }

        /// A new response in the contact campaign.
        func create(_ response: UUID, address: String = "d1", answers: Answers, stamp: HLCTimestamp) -> SyncOperation {
            Ops.create(response, address: address, answers: answers, stamp: stamp, form: "contact", campaign: FollowUpTests.campaign)
        }

        func followUps(_ agency: String, client: some TestClientProtocol) async throws -> FollowUpList {
            let response = try await client.send(.get, "/v1/followups", token: agencyTokens[agency]!)
            guard response.status == .ok else { throw UnexpectedStatus(response: response) }
            return try response.decode(FollowUpList.self)
        }

        static func outcome(_ response: UUID, agency: String, _ outcome: FollowUpOutcome.Outcome, stamp: HLCTimestamp, id: UUID = UUID()) -> SyncOperation {
            SyncOperation(
                id: id, stamp: stamp, device: stamp.node,
                body: .recordOutcome(FollowUpOutcome(response: response, agency: agency, outcome: outcome, note: "called"))
            )
        }
    }

    @Test("A resident asking fire and the council is on both agencies' lists, with only the routed answers, and not on housing's")
    func followUpsReachOnlyTheAgenciesChosen() async throws {
        let partnership = try Partnership()
        try await partnership.fixture.app.test(.router) { client in
            let id = UUID()
            let pushed = try await client.push(
                [try partnership.create(id, chosen: ["fire_rescue", "council"], sealedTo: ["fire", "council-asb"])],
                token: partnership.fixture.token(.collector)
            )
            #expect(pushed.results.map(\.status) == [.applied], "\(pushed.results)")
            for (agency, keyring) in [("fire", ServerFixture.agencyKeyring), ("council-asb", FollowUpTests.council)] {
                let list = try await partnership.followUps(agency, client: client)
                #expect(list.agency == agency)
                let followUp = try #require(list.followUps.first)
                #expect(list.followUps.count == 1)
                #expect(followUp.response == id)
                #expect(followUp.address.address == "1 Canal Row")
                #expect(followUp.asked == [agency == "fire" ? "fire_rescue" : "council"])
                #expect(Set(followUp.answers.keys) == ["phone", "best_time"], "no answer a route does not send")
                guard case .text(let text)? = followUp.answers["phone"], let sealed = SealedAnswer(text: text) else {
                    Issue.record("the phone is not sealed text")
                    return
                }
                #expect(try AnswerSealer.open(sealed, response: id, question: "phone", with: keyring) == "07700 900123")
            }
            #expect(try await partnership.followUps("housing", client: client).followUps.isEmpty)
            // Every other role is refused the list.
            for role in [Role.collector, .organiser, .viewer, .admin] {
                #expect(try await client.send(.get, "/v1/followups", token: partnership.fixture.token(role)).status == .forbidden)
            }
            // An agency's read of personal data is audited.
            #expect(try partnership.fixture.count("audit_log", where: "action = 'followups'") >= 2)
        }
    }

    @Test("A plain, misaddressed or unregistered sealed answer is rejected and nothing is stored")
    func sealedAnswersAreChecked() async throws {
        let partnership = try Partnership()
        try await partnership.fixture.app.test(.router) { client in
            let collector = partnership.fixture.token(.collector)
            let plain = Ops.create(
                UUID(), address: "d1", answers: ["agency": .list(["fire_rescue"]), "phone": .text("07700 900123")],
                stamp: Ops.stamp(0, "laptop-1"), form: "contact", campaign: FollowUpTests.campaign
            )
            let toOneOfTwo = try partnership.create(UUID(), chosen: ["fire_rescue", "council"], sealedTo: ["fire"])
            let toHousingToo = try partnership.create(UUID(), chosen: ["fire_rescue"], sealedTo: ["fire", "housing"])
            let stranger = try AgencyKeyring.generate(agency: "fire", created: "2026-12-04T00:00:00Z").currentPublicKey
            let strangerID = UUID()
            let unregistered = Ops.create(
                strangerID, address: "d1",
                answers: [
                    "agency": .list(["fire_rescue"]),
                    "phone": .text(try AnswerSealer.seal("07700 900123", response: strangerID, question: "phone", to: [stranger]).text),
                ],
                stamp: Ops.stamp(1, "laptop-1"), form: "contact", campaign: FollowUpTests.campaign
            )
            let pushed = try await client.push([plain, toOneOfTwo, toHousingToo, unregistered], token: collector)
            #expect(pushed.results.map(\.status) == [.rejected, .rejected, .rejected, .rejected])
            #expect(pushed.results[0].reason?.contains("never as plain text") == true)
            #expect(pushed.results[1].reason?.contains("enter it again") == true)
            #expect(pushed.results[2].reason?.contains("enter it again") == true)
            #expect(pushed.results[3].reason?.contains("not registered") == true)
            #expect(try partnership.fixture.count("responses", where: "campaign = 'contact-day'") == 0)
        }
    }

    @Test("Outcomes: only the agency asked records them, once per operation, the latest kept")
    func outcomesFollowTheirRules() async throws {
        let partnership = try Partnership()
        try await partnership.fixture.app.test(.router) { client in
            let id = UUID()
            _ = try await client.push(
                [try partnership.create(id, chosen: ["fire_rescue"], sealedTo: ["fire"])], token: partnership.fixture.token(.collector)
            )
            let fire = partnership.agencyTokens["fire"]!
            let contacted = Partnership.outcome(id, agency: "fire", .contacted, stamp: Ops.stamp(10, "fire-desk"))
            #expect(try await client.push([contacted], token: fire).results.map(\.status) == [.applied])
            // The same operation again, and an older outcome: neither changes what is stored.
            let older = Partnership.outcome(id, agency: "fire", .noReply, stamp: Ops.stamp(5, "fire-desk"))
            #expect(try await client.push([contacted, older], token: fire).results.map(\.status) == [.applied, .applied])
            var list = try await partnership.followUps("fire", client: client)
            #expect(list.followUps.first?.outcome?.outcome == .contacted)
            let done = Partnership.outcome(id, agency: "fire", .done, stamp: Ops.stamp(20, "fire-desk"))
            #expect(try await client.push([done], token: fire).results.map(\.status) == [.applied])
            list = try await partnership.followUps("fire", client: client)
            #expect(list.followUps.first?.outcome?.outcome == .done)
            #expect(list.followUps.first?.outcome?.note == "called")

            let refused: [(SyncOperation, String, String)] = [
                (Partnership.outcome(id, agency: "fire", .done, stamp: Ops.stamp(30, "c")), partnership.agencyTokens["council-asb"]!, "acts for agency council-asb"),
                (Partnership.outcome(id, agency: "housing", .done, stamp: Ops.stamp(30, "h")), partnership.agencyTokens["housing"]!, "asks no follow-up of housing"),
                (Partnership.outcome(id, agency: "fire", .purged, stamp: Ops.stamp(30, "f")), fire, "the server's own"),
                (Partnership.outcome(id, agency: "fire", .done, stamp: Ops.stamp(30, "o")), partnership.fixture.token(.organiser), "Only an agency's token"),
                (Partnership.outcome(id, agency: "fire", .done, stamp: Ops.stamp(30, "l")), partnership.fixture.token(.collector), "Only an agency's token"),
                (Ops.visit(campaign: FollowUpTests.campaign, address: "d1", stamp: Ops.stamp(30, "f")), fire, "records only follow-up outcomes"),
            ]
            for (operation, token, reason) in refused {
                let result = try #require(try await client.push([operation], token: token).results.first)
                #expect(result.status == .rejected)
                #expect(result.reason?.contains(reason) == true, "\(result.reason ?? "")")
            }
            let unknown = Partnership.outcome(UUID(), agency: "fire", .done, stamp: Ops.stamp(40, "f"))
            #expect(try await client.push([unknown], token: fire).results.map(\.status) == [.held])
            #expect(try partnership.fixture.count("followup_outcomes") == 1)
            // Viewers may not push at all; agencies may not pull.
            #expect(try await client.send(.get, "/v1/pull", token: fire).status == .forbidden)
        }
    }

    @Test("Organisers see completion by agency as counts; a viewer's snapshot carries none")
    func completionForOrganisersOnly() async throws {
        let partnership = try Partnership()
        try await partnership.fixture.app.test(.router) { client in
            let first = UUID(), second = UUID()
            _ = try await client.push(
                [
                    try partnership.create(first, chosen: ["fire_rescue", "council"], sealedTo: ["fire", "council-asb"]),
                    try partnership.create(second, chosen: ["fire_rescue"], sealedTo: ["fire"]),
                ],
                token: partnership.fixture.token(.collector)
            )
            _ = try await client.push(
                [Partnership.outcome(first, agency: "fire", .contacted, stamp: Ops.stamp(10, "fire-desk"))],
                token: partnership.agencyTokens["fire"]!
            )
            let organiser = partnership.fixture.token(.organiser)
            let figures = try await client.send(.get, "/v1/campaigns/\(FollowUpTests.campaign)/aggregates", token: organiser)
                .decode(CampaignAggregates.self)
            let completion = try #require(figures.followUpCompletion)
            #expect(completion.map(\.agency) == ["fire", "council-asb", "housing"])
            #expect(completion[0] == FollowUpCompletion(agency: "fire", routed: 2, outcomes: ["contacted": 1, "none": 1]))
            #expect(completion[1] == FollowUpCompletion(agency: "council-asb", routed: 1, outcomes: ["none": 1]))
            let body = String(buffer: try await client.send(.get, "/v1/campaigns/\(FollowUpTests.campaign)/aggregates", token: organiser).body)
            #expect(!body.contains("called"), "an agency's note never reaches organisers")
            let report = String(buffer: try await client.send(.get, "/v1/campaigns/\(FollowUpTests.campaign)/report", token: organiser).body)
            #expect(report.contains("Follow-ups by agency"))
            #expect(try await client.send(.post, "/v1/campaigns/\(FollowUpTests.campaign)/snapshots", token: organiser).status == .created)
            let viewer = try await client.send(
                .get, "/v1/campaigns/\(FollowUpTests.campaign)/aggregates", token: partnership.fixture.token(.viewer)
            ).decode(CampaignAggregates.self)
            #expect(viewer.followUpCompletion == nil)
        }
    }

    @Test("The purge records purged for each agency a purged sealed answer was sealed to, replacing an agency's outcome")
    func purgedOutcome() async throws {
        let partnership = try Partnership()
        let asking = UUID()
        try await partnership.fixture.app.test(.router) { client in
            _ = try await client.push(
                [partnership.create(asking, answers: [
                    "agency": .list(["fire_rescue", "council"]), "phone": partnership.sealed(to: ["fire", "council-asb"]),
                ], stamp: Ops.stamp(1, "laptop-1"))],
                token: partnership.fixture.token(.collector)
            )
            _ = try await client.push(
                [Partnership.outcome(asking, agency: "fire", .contacted, stamp: Ops.stamp(5, "fire-laptop"))],
                token: partnership.agencyTokens["fire"]!, device: "fire-laptop"
            )
            // Recorded 2026-11-01 and kept 12 months: purged 400 days from now.
            let report = try await partnership.fixture.database.purge(by: "test", now: Date().addingTimeInterval(400 * 86_400))
            #expect(report.responses.map(\.answers) == [["phone"]])
            for agency in ["fire", "council-asb"] {
                let list = try await partnership.followUps(agency, client: client)
                #expect(list.followUps.first?.outcome?.outcome == .purged, "\(agency)")
                #expect(list.followUps.first?.outcome?.note == nil)
                #expect(list.followUps.first?.answers["phone"] == nil)
            }
            #expect(try await partnership.followUps("housing", client: client).followUps.isEmpty)
        }
    }

    @Test("An answer sealed to a key the server does not know is refused naming it; an older key still counts; pull pages carry the current keys")
    func sealedKeys() async throws {
        let partnership = try Partnership()
        let old = ServerFixture.agencyKeyring.currentPublicKey
        var rotated = ServerFixture.agencyKeyring
        let newer = try rotated.rotate(created: "2026-12-05T00:00:00Z")
        try partnership.fixture.database.addAgencyKey(newer, agency: "fire")
        try await partnership.fixture.app.test(.router) { client in
            let answers: (AnswerValue) -> Answers = { phone in ["agency": .list(["fire_rescue"]), "phone": phone] }
            let unknown = UUID(), older = UUID(), current = UUID()
            let result = try await client.push([
                partnership.create(unknown, answers: answers(partnership.sealed(to: ["fire"], keyIDs: ["fire": "00112233445566ff"])), stamp: Ops.stamp(1, "laptop-1")),
                partnership.create(older, answers: answers(partnership.sealed(to: ["fire"], keyIDs: ["fire": old.keyID])), stamp: Ops.stamp(2, "laptop-1")),
                partnership.create(current, answers: answers(partnership.sealed(to: ["fire"], keyIDs: ["fire": newer.keyID])), stamp: Ops.stamp(3, "laptop-1")),
                Ops.update(older, [FieldChange(name: "phone", value: partnership.sealed(to: ["fire"], keyIDs: ["fire": "ffeeddccbbaa0099"]), base: nil)],
                           stamp: Ops.stamp(4, "laptop-1")),
            ], token: partnership.fixture.token(.collector))
            #expect(result.results.map(\.status) == [.rejected, .applied, .applied, .rejected], "\(result.results)")
            #expect(result.results[0].reason?.contains("phone") == true && result.results[0].reason?.contains("agency fire") == true)
            #expect(result.results[3].reason?.contains("ffeeddccbbaa0099") == true)

            let pages = try await client.pullAll(token: partnership.fixture.token(.organiser)).pages
            for page in pages {
                #expect(page.agencies.map(\.agency) == ["council-asb", "fire", "housing"])
                #expect(page.agencies.first { $0.agency == "fire" }?.keyID == newer.keyID)
                #expect(page.agencies.first { $0.agency == "fire" }?.publicKey == newer.base64)
            }
        }
    }

    @Test("agencies add, key and list; a bad key file or another agency's is refused (65), a missing one 66; tokens create --agency")
    func adminCommands() throws {
        let directory = try TemporaryDirectory("agencies")
        defer { directory.remove() }
        let data = directory.url.path
        var keyring = try AgencyKeyring.generate(agency: "fire", created: "2026-12-04T00:00:00Z")
        let fire = keyring.currentPublicKey
        let rotated = try keyring.rotate(created: "2026-12-05T00:00:00Z")
        var file: [String: String] = [:]
        for (name, text) in [
            "fire.pub": fire.fileText, "rotated.pub": rotated.fileText, "bad.pub": "doorstep-agency-public-key 1 fire 0011 AAAA\n",
            "wrong-id.pub": fire.fileText.replacingOccurrences(of: fire.keyID, with: "0123456789abcdef"),
        ] {
            file[name] = try directory.write(text, to: name)
        }

        let added = try ProcessRunner.server(["agencies", "add", "--data", data, "--id", "fire", "--name", "Fire and rescue", "--key", file["fire.pub"]!])
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stdout == "Agency fire added with key \(fire.keyID).\n")
        let mismatched = try ProcessRunner.server(["agencies", "add", "--data", data, "--id", "housing", "--name", "Housing", "--key", file["fire.pub"]!])
        #expect(mismatched.status == 65)
        #expect(mismatched.stderr == "doorstep-server: The key file is agency fire's, not housing's; ask housing for its own public key.\n")
        for bad in ["bad.pub", "wrong-id.pub"] {
            let refused = try ProcessRunner.server(["agencies", "add", "--data", data, "--id", "fire", "--name", "Fire", "--key", file[bad]!])
            #expect(refused.status == 65, "\(bad): \(refused.stderr)")
            #expect(refused.stderr.split(separator: "\n").count == 1)
        }
        #expect(try ProcessRunner.server(["agencies", "add", "--data", data, "--id", "fire", "--name", "Fire", "--key", "/nonexistent.pub"]).status == 66)
        #expect(try ProcessRunner.server(["agencies", "add", "--data", data, "--id", "fire", "--name", "Fire", "--key", file["fire.pub"]!]).status == 65)

        let rotation = try ProcessRunner.server(["agencies", "key", "--data", data, "--id", "fire", "--key", file["rotated.pub"]!])
        #expect(rotation.status == 0, "\(rotation.stderr)")
        let listed = try ProcessRunner.server(["agencies", "list", "--data", data, "--json"])
        let agencies = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        let keys = try #require(agencies.first?["keys"] as? [[String: Any]])
        #expect(agencies.count == 1)
        #expect(keys.map { $0["key_id"] as? String } == [rotated.keyID, fire.keyID])
        #expect(keys.first?["current"] as? Bool == true)
        #expect(try ProcessRunner.server(["agencies", "list", "--data", data]).stdout.hasPrefix("ID"))

        let token = try ProcessRunner.server(["tokens", "create", "--data", data, "--role", "agency", "--agency", "fire", "--name", "Fire team"])
        #expect(token.status == 0, "\(token.stderr)")
        #expect(token.stdout.hasPrefix("dst_"))
        #expect(try ProcessRunner.server(["tokens", "create", "--data", data, "--role", "agency", "--agency", "police", "--name", "Police"]).status == 65)
        #expect(try ProcessRunner.server(["tokens", "create", "--data", data, "--role", "agency", "--name", "Nobody"]).status == 64)
        #expect(try ProcessRunner.server(["tokens", "create", "--data", data, "--role", "collector", "--agency", "fire", "--name", "PC"]).status == 64)
        #expect(try ProcessRunner.server(["tokens", "list", "--data", data]).stdout.contains("agency fire"))
    }

    @Test("Erasure reaches sealed answers like any answer; concurrent sealed values conflict like any other")
    func erasureAndConflicts() async throws {
        let partnership = try Partnership()
        let erased = UUID(), contested = UUID()
        let collector = partnership.fixture.token(.collector)
        try await partnership.fixture.app.test(.router) { client in
            let created = try await client.push([
                partnership.create(erased, answers: ["agency": .list(["fire_rescue"]), "phone": partnership.sealed(to: ["fire"])], stamp: Ops.stamp(1, "laptop-1")),
                partnership.create(contested, answers: ["agency": .list(["fire_rescue"]), "phone": partnership.sealed(to: ["fire"])], stamp: Ops.stamp(2, "laptop-1")),
            ], token: collector)
            #expect(created.results.map(\.status) == [.applied, .applied])

            // Two edits of the sealed answer made on the same base meet: one wins, the other is kept.
            let base = Ops.stamp(2, "laptop-1")
            let edits = try await client.push([
                Ops.update(contested, [FieldChange(name: "phone", value: partnership.sealed(to: ["fire"], byte: 1), base: base)], stamp: Ops.stamp(5, "laptop-1")),
                Ops.update(contested, [FieldChange(name: "phone", value: partnership.sealed(to: ["fire"], byte: 2), base: base)], stamp: Ops.stamp(6, "organiser-laptop")),
            ], token: partnership.fixture.token(.organiser))
            #expect(edits.results.map(\.status) == [.applied, .applied])
            #expect(try partnership.fixture.count("conflicts", where: "field = 'phone'") == 1)

            // Erasure of the personal answers removes the sealed text from every table.
            let erasure = try await client.push([Ops.erase(erased, scope: .sensitive, stamp: Ops.stamp(7, "laptop-1"))], token: collector)
            #expect(erasure.results.map(\.status) == [.applied])
            let list = try await partnership.followUps("fire", client: client)
            let followUp = try #require(list.followUps.first { $0.response == erased })
            #expect(followUp.answers["phone"] == nil)
            let id = erased.uuidString
            #expect(try partnership.fixture.count("responses", where: "id = '\(id)' AND answers_json LIKE '%sealed1:%'") == 0)
            #expect(try partnership.fixture.count(
                "field_writes", where: "response = (SELECT number FROM responses WHERE id = '\(id)') AND value_json LIKE '%sealed1:%'"
            ) == 0)
        }
    }
}
