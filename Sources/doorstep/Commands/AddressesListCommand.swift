import ArgumentParser
import DoorstepCore
import DoorstepStore
import Foundation

extension AddressesCommand {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "Show the walk list in its order, with each door's notes and status from every team.",
            discussion: """
                Status comes from every team's knocks (after sync): not-visited, no-answer, card-left, \
                revisit (with when to call back), refused, declined (no consent to the questionnaire), \
                surveyed, moved, empty or do-not-contact. The latest knock decides, but a door once \
                surveyed stays surveyed, and a door marked do-not-contact stays so (shown in red on a \
                terminal). --todo lists the doors still to knock or call back on.

                A door added on the day shows "added by" its officer in the notes.

                Examples:
                  doorstep addresses
                  doorstep addresses --todo --street "Albion Street"
                  doorstep addresses --campaign west-end-2026-06 --json
                """
        )

        @OptionGroup var home: HomeOptions
        @OptionGroup var choice: CampaignChoice
        @Flag(help: "Only doors still to do: not visited, no answer, card left or revisit.") var todo = false
        @Option(help: "Only the doors of this street (any case).") var street: String?
        @Flag(name: .long, help: "Print JSON on stdout.") var json = false

        func run() throws {
            let store = try home.openStore()
            let campaign = try choice.resolve(store, home: home)
            let all = try store.addresses(campaign: campaign.id)
            let doors = all.filter { door in
                (!todo || door.status.isToDo)
                    && (street == nil || door.address.street?.lowercased() == street?.trimmingCharacters(in: .whitespaces).lowercased())
            }
            if json {
                try Console.json(doors.map(AddressJSON.init))
                return
            }
            let red = Console.outputIsTerminal && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
            Console.table(
                ["ID", "ADDRESS", "POSTCODE", "STATUS", "VISITS", "NOTES"],
                doors.map { door in
                    var status = door.status.label
                    if let callBack = door.callBack { status += " (\(callBack))" }
                    let added = door.address.addedBy.map { "added by \($0)" }
                    let notes = [added, DoorNotice.notes(door.address), door.lastNote].compactMap { $0 }.joined(separator: " / ")
                    return [door.address.id, door.address.address, door.address.postcode ?? "-", status,
                            String(door.visits), notes.isEmpty ? "-" : notes]
                },
                highlight: red ? { row in doors[row].status == .doNotContact } : nil
            )
            let surveyed = all.filter { $0.status == .surveyed }.count
            let knocked = all.filter { $0.status != .notVisited }.count
            let toDo = all.filter(\.status.isToDo).count
            var summary = "\(all.count) addresses: \(knocked) knocked, \(surveyed) surveyed, \(toDo) still to do."
            if doors.count != all.count { summary = "\(doors.count) shown of " + summary }
            Console.error(summary)
        }
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
    var callBack: String?
    var toDo: Bool
    var surveyedHere: Bool
    var addedBy: String?

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
        callBack = state.callBack
        toDo = state.status.isToDo
        surveyedHere = state.hasResponse
        addedBy = state.address.addedBy
    }

    private enum CodingKeys: String, CodingKey {
        case id, address, postcode, street, area, uprn, notes, status, visits
        case lastVisit = "last_visit", lastNote = "last_note", callBack = "call_back", toDo = "to_do"
        case surveyedHere = "has_response", addedBy = "added_by"
    }
}
