import ArgumentParser
import DoorstepStore
import Foundation

/// `doorstep use`: the campaign that `record`, `visit` and `addresses` work on without --campaign.
struct UseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "use",
        abstract: "Choose the campaign that record, visit and addresses work on, or show it.",
        discussion: """
            The choice is kept in the home folder until changed. Without a campaign, prints the \
            current one's id on stdout. With a single campaign on the laptop, commands use it \
            without being told.

            Examples:
              doorstep use west-end-2026-06
              doorstep record WE-002
              doorstep use            # prints west-end-2026-06
              doorstep use --clear
            """
    )

    @OptionGroup var home: HomeOptions
    @Argument(help: ArgumentHelp("The campaign's id (see doorstep campaigns).", valueName: "campaign"))
    var campaign: String?
    @Flag(help: "Forget the current campaign.") var clear = false

    func validate() throws {
        if clear && campaign != nil { throw ValidationError("Give a campaign or --clear, not both.") }
    }

    func run() throws {
        let store = try home.openStore()
        let file = CampaignChoice.file(in: try home.homeURL())
        if clear {
            try? FileManager.default.removeItem(at: file)
            Console.error("No current campaign.")
            return
        }
        guard let typed = campaign else {
            guard let current = CampaignChoice.current(in: try home.homeURL()) else {
                throw CLIError(.dataError, "No campaign is chosen: doorstep use CAMPAIGN chooses one (see doorstep campaigns).")
            }
            Console.out(current)
            return
        }
        let chosen = try store.campaign(id: typed)
        try Data((chosen.id + "\n").utf8).write(to: file, options: .atomic)
        let doors = try store.addresses(campaign: chosen.id)
        let toDo = doors.filter(\.status.isToDo).count
        Console.error("Using campaign \(chosen.id): \(chosen.name)\(chosen.date.map { ", \($0)" } ?? ""). \(doors.count) doors, \(toDo) still to do.")
    }
}
