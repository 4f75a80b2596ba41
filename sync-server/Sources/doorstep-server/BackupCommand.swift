import ArgumentParser
import DoorstepServer
import Foundation

struct Backup: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy the database to a file with SQLite's online backup; safe while serving.",
        discussion: "Example: doorstep-server backup --data /var/lib/doorstep-server --output /backups/doorstep-2026-06-06.sqlite"
    )
    @OptionGroup var data: DataOptions
    @Option(help: "The backup file to write; must not exist.") var output: String

    func run() throws {
        try Failure.run {
            try ServerDatabase(directory: data.embeddedDirectory(for: "backup")).backup(to: URL(fileURLWithPath: output))
        }
    }
}
