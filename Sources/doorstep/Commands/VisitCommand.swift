import ArgumentParser
import DoorstepCore
import DoorstepWire
import DoorstepStore
import Foundation

/// `doorstep visit`: record a knock on a door.
struct VisitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "visit",
        abstract: "Record a knock on a door.",
        discussion: """
            Prints the visit's id on stdout. Knocks are never changed or removed: a later knock \
            updates the door's status. Recording a questionnaire records a surveyed knock by itself \
            (a declined one when the resident did not consent). The door's notes are shown first; \
            at a door any team surveyed, or marked do-not-contact, you are asked to confirm (--yes \
            confirms without asking, for scripts). do-not-contact is respected by every team from \
            their next sync.

            Examples:
              doorstep visit WE-004 --outcome no-answer
              doorstep visit WE-005 --outcome revisit --when "after 6pm"
              doorstep visit WE-006 --outcome card-left --note "Card through the door"
              doorstep visit WE-007 --outcome do-not-contact
            """
    )

    @OptionGroup var home: HomeOptions
    @OptionGroup var choice: CampaignChoice
    @Argument(help: ArgumentHelp("The door: its address id on the walk list, in any case.", valueName: "address"))
    var door: String?
    @Option(help: .hidden) var address: String?
    @Option(
        help: ArgumentHelp("What happened: \(VisitOutcome.officerChoices.joined(separator: ", ")).", valueName: "outcome"),
        completion: .list(VisitOutcome.officerChoices)
    )
    var outcome: String
    @Option(help: ArgumentHelp("For revisit: when to come back, as the resident said it.", valueName: "when"))
    var when: String?
    @Option(help: "A note for the team (no personal data).") var note: String?
    @Flag(help: "Go on without asking at a door already surveyed or marked do-not-contact.") var yes = false

    func validate() throws {
        guard let outcome = VisitOutcome(rawValue: outcome) else {
            throw ValidationError("'\(outcome)' is not an outcome; use one of \(VisitOutcome.officerChoices.joined(separator: ", ")).")
        }
        if when != nil && outcome != .revisit { throw ValidationError("--when goes with --outcome revisit.") }
        if door != nil && address != nil { throw ValidationError("Name the door once: doorstep visit ADDRESS.") }
        if door == nil && address == nil { throw ValidationError("Name the door: doorstep visit ADDRESS --outcome OUTCOME.") }
    }

    func run() throws {
        guard let outcome = VisitOutcome(rawValue: outcome), let typed = door ?? address else { return }
        let store = try home.openStore()
        let campaign = try choice.resolve(store, home: home)
        let state = try store.addressState(campaign: campaign.id, id: typed)
        Console.error("\(state.address.address)\(state.address.postcode.map { ", \($0)" } ?? "") — \(campaign.name)")
        try DoorNotice(state: state).show(confirmed: yes || outcome == .doNotContact, doing: "record the knock")
        let visit = try store.recordVisit(
            campaign: campaign.id, address: state.address.id, outcome: outcome, note: note, callBack: when
        )
        var said = "Recorded \(DoorStatus(outcomesOldestFirst: [outcome], hasResponse: false).label)"
        if let when { said += ", call back \(when)" }
        Console.error("\(said).")
        Console.out(visit.visit.lowercasedString)
    }
}

extension VisitOutcome {
    /// The outcomes offered to an officer by `doorstep visit`: all but `declined`, which a
    /// questionnaire without consent records by itself (it is still accepted).
    static var officerChoices: [String] {
        allCases.filter { $0 != .declined }.map(\.rawValue)
    }
}
