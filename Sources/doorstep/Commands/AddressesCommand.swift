import ArgumentParser
import DoorstepCore
import DoorstepStore

/// `doorstep addresses --campaign ID`: the walk list and where each door stands.
struct AddressesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "addresses",
        abstract: "Show a campaign's walk list with each door's status.",
        discussion: """
            Status comes from every team's knocks (after sync): not-visited, no-answer, refused, card-left, \
            revisit, declined (no consent to the questionnaire) or surveyed. The latest knock decides, but \
            a door once surveyed stays surveyed.
            """
    )

    @OptionGroup var home: HomeOptions
    @Option(help: "The campaign's id.") var campaign: String
    @Flag(name: .long, help: "Print JSON on stdout.") var json = false

    func run() throws {
        let doors = try home.openStore().addresses(campaign: campaign)
        if json {
            try Console.json(doors.map(AddressJSON.init))
            return
        }
        Console.table(
            ["ID", "ADDRESS", "POSTCODE", "STATUS", "VISITS"],
            doors.map { [$0.address.id, $0.address.address, $0.address.postcode ?? "-", $0.status.label, String($0.visits)] }
        )
        let surveyed = doors.filter { $0.status == .surveyed }.count
        let knocked = doors.filter { $0.status != .notVisited }.count
        Console.error("\(doors.count) addresses: \(knocked) knocked, \(surveyed) surveyed.")
    }
}

/// One door as `addresses --json` prints it.
struct AddressJSON: Encodable {
    var id: String
    var address: String
    var postcode: String?
    var street: String?
    var area: String?
    var uprn: String?
    var notes: [String: String]
    var status: DoorStatus
    var visits: Int
    var lastVisit: String?
    var lastNote: String?

    init(_ state: AddressState) {
        id = state.address.id
        address = state.address.address
        postcode = state.address.postcode
        street = state.address.street
        area = state.address.area
        uprn = state.address.uprn
        notes = state.address.notes
        status = state.status
        visits = state.visits
        lastVisit = state.lastVisit
        lastNote = state.lastNote
    }

    private enum CodingKeys: String, CodingKey {
        case id, address, postcode, street, area, uprn, notes, status, visits
        case lastVisit = "last_visit", lastNote = "last_note"
    }
}
