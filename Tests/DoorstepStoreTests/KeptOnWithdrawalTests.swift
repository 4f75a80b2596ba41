import DoorstepCore
import DoorstepWire
import DoorstepStore
import DoorstepTestSupport
import Foundation
import Testing

/// A form may mark answers as the officer's own record (`on_withdrawal: keep`): erasing the
/// resident's personal answers leaves them, on the laptop and in what it will send.
@Suite("Client store: answers kept on withdrawal")
struct KeptOnWithdrawalTests {
    static let details = """
          - name: details
            type: text
            label: Describe the safeguarding concern.
            sensitive: true
            on_withdrawal: keep
        """

    @Test func erasingPersonalAnswersKeepsTheOfficersRecordHereAndInTheCreateStillToBeSent() throws {
        // Given a response with the resident's name and the officer's description of a concern, never synced
        let directory = try TemporaryDirectory("store-kept")
        defer { directory.remove() }
        let store = try ClientStore(home: directory.appending("home"))
        let source = doorForm(version: "2", extra: Self.details)
        let form = try FormDefinition.parse(yaml: source)
        try store.addForm(form, source: source)
        try store.addCampaign(CampaignInfo(id: "west", name: "West End day", form: "door", addresses: walkList))
        let id = try store.recordResponse(
            campaign: "west", address: "a1", form: form,
            answers: ["consent": .text("no"), "name": .text("Ann Resident"), "details": .text("Child left alone overnight"),
                      "concern": .text("yes")],
            safeguarding: true
        )

        // When the resident withdraws consent
        try store.eraseResponse(id: id, scope: .sensitive, reason: "withdrew consent")

        // Then the name is gone and the concern stays, here and in the create waiting to be pushed
        let answers = try store.response(id: id).answers
        #expect(answers["name"] == nil)
        #expect(answers["details"] == .text("Child left alone overnight"))
        #expect(answers["concern"] == .text("yes"))
        let create = try #require(try store.pendingOperations(limit: 10).compactMap { operation -> NewResponse? in
            if case .createResponse(let created) = operation.body { return created }
            return nil
        }.first)
        #expect(create.erased == .sensitive)
        #expect(create.answers["name"] == nil)
        #expect(create.answers["details"] == .text("Child left alone overnight"))
    }
}
