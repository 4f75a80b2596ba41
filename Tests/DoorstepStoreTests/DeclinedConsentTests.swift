import DoorstepCore
import DoorstepWire
import DoorstepStore
import DoorstepTestSupport
import Foundation
import Testing

/// A form that names its consent question: a response without consent is declined, never surveyed.
@Suite struct DeclinedConsentTests {
    @Test func aResponseWithoutConsentRecordsADeclinedKnock() throws {
        let directory = try TemporaryDirectory("declined")
        defer { directory.remove() }
        let store = try ClientStore(home: directory.appending("home"))
        let source = doorForm().replacingOccurrences(of: "title: Door survey\n", with: "title: Door survey\nconsent: consent\n")
        let form = try FormDefinition.parse(yaml: source)
        #expect(form.consent == "consent")
        try store.addForm(form, source: source)
        try store.addCampaign(CampaignInfo(id: "west", name: "West End day", form: "door", date: nil, addresses: walkList))

        try store.recordResponse(campaign: "west", address: "a1", form: form, answers: ["consent": .text("no"), "concern": .text("no")], safeguarding: false)
        try store.recordResponse(campaign: "west", address: "a2", form: form, answers: ["consent": .text("yes"), "concern": .text("no")], safeguarding: false)
        try store.recordVisit(campaign: "west", address: "a3", outcome: .declined, note: nil)

        let doors = Dictionary(uniqueKeysWithValues: try store.addresses(campaign: "west").map { ($0.address.id, $0) })
        #expect(doors["a1"]?.status == .declined, "never surveyed without consent")
        #expect(doors["a1"]?.visits == 1)
        #expect(doors["a2"]?.status == .surveyed)
        #expect(doors["a3"]?.status == .declined)
        #expect(DoorStatus(outcomesOldestFirst: [.declined, .surveyed], hasResponse: true) == .surveyed)
    }
}
