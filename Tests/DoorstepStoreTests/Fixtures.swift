import DoorstepCore
import DoorstepStore
import DoorstepTestSupport
import Foundation

/// A small form that exercises every kind of answer the store keeps.
let doorForm = """
    id: door
    version: 2
    title: Door survey
    questions:
      - name: consent
        type: select_one yes_no
        label: May we ask a few questions?
        required: true
      - name: safe_day
        type: select_one scale
        label: How safe do you feel by day?
        relevant: ${consent} = 'yes'
      - name: problems
        type: select_multiple problem
        label: Which problems do you see?
        relevant: ${consent} = 'yes'
      - name: adults
        type: integer
        label: How many adults live here?
        constraint: . >= 1 and . <= 20
        constraint_message: Between 1 and 20 adults.
      - name: name
        type: text
        label: Your name
        sensitive: true
      - name: concern
        type: select_one yes_no
        label: Safeguarding concern?
        safeguarding: true
    choices:
      yes_no:
        - name: 'yes'
          label: 'Yes'
        - name: 'no'
          label: 'No'
      scale:
        - name: very
          label: Very safe
        - name: fairly
          label: Fairly safe
        - name: not
          label: Not safe
      problem:
        - name: drugs
          label: Drug dealing
        - name: asb
          label: Anti-social behaviour
        - name: bins
          label: Bin fires
    """

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
        form = try FormDefinition.parse(yaml: doorForm)
        try store.addForm(form, source: doorForm)
        try store.addCampaign(CampaignInfo(id: "west", name: "West End day", form: "door", date: "2025-11-22", addresses: walkList))
    }

    /// Records a response at `address` and returns its id.
    @discardableResult
    func record(_ answers: Answers, at address: String = "a1", safeguarding: Bool = false) throws -> UUID {
        try store.recordResponse(campaign: "west", address: address, form: form, answers: answers, safeguarding: safeguarding)
    }

    var databasePath: String { directory.appending("home").appendingPathComponent(ClientStore.databaseFileName).path }
}
