import DoorstepCore
import DoorstepStore
import DoorstepTestSupport
import DoorstepWire
import Foundation
import Testing

/// The agencies a laptop seals to, and an agency's own worklist and outcomes.
@Suite("Client store: agencies and an agency's worklist")
struct AgencyStoreTests {
    static let fire = AgencyKey(agency: "fire", name: "Fire and Rescue", keyID: "0123456789abcdef", publicKey: "key-1")
    static let council = AgencyKey(agency: "council-asb", name: "Council ASB", keyID: "fedcba9876543210", publicKey: "key-2")
    static let housing = AgencyKey(agency: "housing", name: "Housing", keyID: "00112233445566ff", publicKey: "key-3")

    @Test("Every pulled page's list of agencies replaces the laptop's: a newer key replaces the old one, an agency no longer listed goes")
    func pulledAgenciesReplaceTheList() throws {
        let fixture = try StoreFixture()
        defer { fixture.directory.remove() }
        try fixture.store.saveAgency(Self.housing)
        let server = HLCTimestamp(physical: 1_764_000_000_000, counter: 0, node: "server")
        try fixture.store.applyPulledPage(
            PullResponse(cursor: 1, more: true, epoch: "e1", serverTime: server, agencies: [Self.fire, Self.council])
        )
        #expect(try fixture.store.agencies() == [Self.council, Self.fire])

        var rotated = Self.fire
        rotated.keyID = "aaaaaaaaaaaaaaaa"
        rotated.publicKey = "key-4"
        try fixture.store.applyPulledPage(PullResponse(cursor: 2, more: false, epoch: "e1", serverTime: server, agencies: [rotated]))
        #expect(try fixture.store.agencies() == [rotated])
    }

    @Test("A worklist is kept as received and read back; an outcome is queued as a followup.outcome operation")
    func worklistAndOutcome() throws {
        let fixture = try StoreFixture()
        defer { fixture.directory.remove() }
        #expect(try fixture.store.worklist() == nil)
        let response = UUID()
        let list = FollowUpList(agency: "fire", followUps: [
            FollowUp(
                response: response, campaign: "west", form: "door", formVersion: "2", recordedAt: "2025-11-22T10:00:00Z",
                address: walkList[0], asked: ["fire_rescue"], answers: ["contact_phone": .text("sealed1:fire.x")]
            ),
        ])
        try fixture.store.saveWorklist(list)
        #expect(try fixture.store.worklist()?.list == list)

        let operation = try fixture.store.recordOutcome(FollowUpOutcome(response: response, agency: "fire", outcome: .contacted, note: "Booked"))
        #expect(operation.kind == "followup.outcome")
        #expect(try fixture.store.pendingOperations(limit: 10) == [operation])
    }
}
