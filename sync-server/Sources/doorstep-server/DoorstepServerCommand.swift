#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser

/// `doorstep-server`: runs the companion server and administers its data.
@main
struct DoorstepServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doorstep-server",
        abstract: "The Doorstep companion server: merges what devices push, serves what they pull.",
        discussion: """
            Every command takes --data DIR (default: $DOORSTEP_DATA), or --database URL (default:
            $DOORSTEP_DATABASE) to keep the data in PostgreSQL.

            Examples:
              doorstep-server forms publish forms/community-safety.yaml
              doorstep-server campaigns create --id west-end --name "West End" --form community-safety --addresses walk.csv
              doorstep-server tokens create --role collector --name "Amira (laptop 3)"
              doorstep-server serve --host 127.0.0.1 --port 8080
            """,
        subcommands: [
            Serve.self, Forms.self, Campaigns.self, Tokens.self, Agencies.self, Purge.self, Backup.self, Restore.self, Migrate.self, ClockCommand.self,
            CampaignAlias.self, TokenAlias.self,
        ]
    )

    /// Runs the command with a umask of 077: every file the server writes (its database and
    /// journal files, backups) holds personal data and is its user's alone.
    static func main() async {
        umask(0o077)
        do {
            var command = try parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
