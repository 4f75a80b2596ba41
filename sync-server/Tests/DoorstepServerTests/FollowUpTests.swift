import DoorstepCore
import DoorstepSealing
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
}
