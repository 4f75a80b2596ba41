import ArgumentParser
import DoorstepServer
import Foundation

struct Restore: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Replace the database with a backup and start a new epoch; run with the server stopped.",
        discussion: "Example: doorstep-server restore --data /var/lib/doorstep-server /backups/doorstep-2026-06-06.sqlite"
    )
    @OptionGroup var data: DataOptions
    @Argument(help: "A file written by `doorstep-server backup`.") var file: String

    func run() throws {
        try Failure.run {
            let epoch = try ServerDatabase.restore(from: URL(fileURLWithPath: file), into: data.embeddedDirectory(for: "restore"))
            print("Restored; new epoch \(epoch). Devices will re-send what the backup lacks.")
        }
    }
}
