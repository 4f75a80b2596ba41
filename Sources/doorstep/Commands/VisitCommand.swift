import ArgumentParser
import DoorstepCore
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
            (a declined one when the resident did not consent).
            """
    )

    @OptionGroup var home: HomeOptions
    @Option(help: "The campaign's id.") var campaign: String
    @Option(help: "The address id on the walk list.") var address: String
    @Option(help: ArgumentHelp(
        "What happened: \(VisitOutcome.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "outcome"
    ))
    var outcome: String
    @Option(help: "A note for the team (no personal data).") var note: String?

    func validate() throws {
        if VisitOutcome(rawValue: outcome) == nil {
            throw ValidationError("'\(outcome)' is not an outcome; use one of \(VisitOutcome.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
    }

    func run() throws {
        guard let outcome = VisitOutcome(rawValue: outcome) else { return }
        let store = try home.openStore()
        let visit = try store.recordVisit(campaign: campaign, address: address, outcome: outcome, note: note)
        let door = try store.address(campaign: campaign, id: address)
        Console.error("Recorded \(DoorStatus(outcomesOldestFirst: [outcome], hasResponse: false).label) at \(door.address).")
        Console.out(visit.visit.lowercasedString)
    }
}
