import ArgumentParser
import DoorstepServer
import Foundation

struct Migrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy an embedded deployment into an empty PostgreSQL database and check the copy; run with the server stopped.",
        discussion: """
            Everything moves: forms, campaigns, tokens, the operation log, responses with their histories, conflicts,
            tallies, the audit log, snapshots, the epoch and the report-link secret. Devices keep syncing without noticing.
            Then serve with --database URL instead of --data DIR.

            Example:
              doorstep-server migrate --data /var/lib/doorstep-server --database postgres://doorstep@db.internal/doorstep
            """
    )

    @Option(help: "The data directory of the embedded store to copy (default: $DOORSTEP_DATA).") var data: String?
    @Option(help: "The empty PostgreSQL database to copy it into (default: $DOORSTEP_DATABASE).") var database: String?

    func run() throws {
        let options = DataOptions(data: data, database: database)
        guard let path = options.path, let url = options.url else {
            throw ValidationError("migrate needs both --data DIR (the embedded store) and --database URL (PostgreSQL).")
        }
        try Failure.run {
            let location = try PostgresLocation(url: url)
            let migration = try ServerDatabase.migrate(from: URL(fileURLWithPath: path), to: location)
            for (table, count) in migration.rows {
                print("\(table.padding(toLength: 22, withPad: " ", startingAt: 0)) \(count)")
            }
            print("Copied into \(location) and checked: every table's rows counted on both sides, "
                + "every response's state the same (SHA-256 \(migration.responsesDigest.prefix(16))…).")
        }
    }
}
