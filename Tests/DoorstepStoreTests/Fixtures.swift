import DoorstepCore
import DoorstepWire
import DoorstepStore
import DoorstepTestSupport
import Foundation

let walkList: [WalkListAddress] = [
    WalkListAddress(id: "a1", address: "1 Oak Street", postcode: "LS1 1AA", street: "Oak Street", area: "West End"),
    WalkListAddress(id: "a2", address: "2 Oak Street", postcode: "LS1 1AA", street: "Oak Street", area: "West End"),
    WalkListAddress(id: "a3", address: "3 Elm Road", postcode: "LS1 2BB", street: "Elm Road", area: "West End"),
]

/// A fresh store in a temporary home, with the door form and a campaign `west` on it.
struct StoreFixture {
    let directory: TemporaryDirectory
    let store: ClientStore
    let form: FormDefinition

    init(now: @escaping @Sendable () -> Date = Date.init) throws {
        directory = try TemporaryDirectory("store")
        store = try ClientStore(home: directory.appending("home"), now: now)
        form = try FormDefinition.parse(yaml: doorForm())
        try store.addForm(form, source: doorForm())
        try store.addCampaign(CampaignInfo(id: "west", name: "West End day", form: "door", date: "2025-11-22", addresses: walkList))
    }

    /// Records a response at `address` and returns its id.
    @discardableResult
    func record(_ answers: Answers, at address: String = "a1", safeguarding: Bool = false) throws -> UUID {
        try store.recordResponse(campaign: "west", address: address, form: form, answers: answers, safeguarding: safeguarding)
    }

    var databasePath: String { directory.appending("home").appendingPathComponent(ClientStore.databaseFileName).path }
}
