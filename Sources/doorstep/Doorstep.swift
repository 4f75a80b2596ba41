import ArgumentParser
import Foundation

/// `doorstep`: the officer's client. Every command is a subcommand listed here; online commands
/// (login, sync, ...) live in `Online/` and are added to the same list.
@main
struct Doorstep: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doorstep",
        abstract: "Record door-to-door survey visits and questionnaires offline, and sync them later.",
        discussion: """
            The store lives in $DOORSTEP_HOME (default ~/.local/share/doorstep); --home DIR overrides it.

            Exit codes: 0 done, 64 bad usage, 65 bad data, 69/75 server unreachable (75: try later), \
            77 not allowed, 1 anything else.
            """,
        subcommands: [
            FormsCommand.self,
            CampaignsCommand.self,
            UseCommand.self,
            AddressesCommand.self,
            VisitCommand.self,
            RecordCommand.self,
            DraftsCommand.self,
            EditCommand.self,
            EraseCommand.self,
            DiscardCommand.self,
            ResponsesCommand.self,
            AgenciesCommand.self,
            ShowCommand.self,
            StatusCommand.self,
            LoginCommand.self,
            LogoutCommand.self,
            SyncCommand.self,
            ConflictsCommand.self,
            ProgressCommand.self,
            ResolveCommand.self,
            ExportCommand.self,
            ReportCommand.self,
            FollowupsCommand.self,
            KeysCommand.self,
        ]
    )

    /// Runs the command the arguments name; every error leaves through ``DoorstepExit/exit(with:)``.
    static func main() async {
        do {
            var command = try parseAsRoot(HomeOptions.takingLeadingHome(Array(CommandLine.arguments.dropFirst())))
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            DoorstepExit.exit(with: error)
        }
    }
}
