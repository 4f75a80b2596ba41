import ArgumentParser
import DoorstepCore
import DoorstepServer
import DoorstepWire
import Foundation

struct Purge: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Remove the answers whose retention period has ended, as serve does every day.",
        discussion: """
            An answer is kept for its question's retention, else its form's, capped by its campaign's \
            --retention; without any it is kept until erased. Expired answers go through the erasure \
            path: out of the field histories, conflicts and the operation log, the response marked \
            erased (expired, or all when nothing is left), and every device drops them at its next \
            sync. Each run (but a dry one) writes an audit entry. Safe to run while serve runs, and \
            from several machines at once.

            Examples:
              doorstep-server purge --dry-run
              doorstep-server purge --json
            """
    )
    @OptionGroup var data: DataOptions
    @Flag(help: "Say what would go, and change nothing.") var dryRun = false
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let database: ServerDatabase
        do {
            database = try data.open()
        } catch {
            throw Failure.report("Cannot open \(data.shown): \(error)", code: 1)
        }
        let report: PurgeReport
        do {
            report = try await database.purge(dryRun: dryRun, by: "purge")
        } catch {
            try? database.close()
            throw Failure.report("The purge failed and changed nothing it had not finished: \(StoreFailure.reason(error))", code: 1)
        }
        try database.close()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
            return
        }
        let verb = dryRun ? "Would purge" : "Purged"
        for response in report.responses {
            let answers = response.answers.isEmpty ? "no answer left" : response.answers.joined(separator: ", ")
            print("\(verb) \(answers) of response \(response.id) (campaign \(response.campaign)); erased: \(response.erased.rawValue).")
        }
        let count = report.answers, responses = report.responses.count
        print("\(verb) \(count) answer\(count == 1 ? "" : "s") of \(responses) response\(responses == 1 ? "" : "s")"
            + (dryRun ? "; nothing was changed." : "."))
    }
}
