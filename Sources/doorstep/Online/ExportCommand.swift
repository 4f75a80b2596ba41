import ArgumentParser
import DoorstepSync

/// `doorstep export`: organisers download a campaign's responses or tallies from the server.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Organisers: download a campaign's responses (audited) or, with --aggregate, its tallies.",
        discussion: """
            Writes to --output FILE (mode 0600, as exports hold personal data) or to stdout.

            Examples:
              doorstep export --campaign west-end --output west-end.csv
              doorstep export --campaign west-end --aggregate --format json
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case csv, json
    }

    @OptionGroup var home: HomeOptions
    @OptionGroup var connection: ConnectionOptions
    @Option(help: "The campaign's id.") var campaign: String
    @Flag(name: .long, help: "Download the tallies (counts by question, street and area) instead of the responses.")
    var aggregate = false
    @Option(help: "csv or json.") var format: Format = .csv
    @Option(help: ArgumentHelp("Where to write it; stdout when absent or -.", valueName: "file")) var output: String?

    func run() async throws {
        let session = try OnlineSession(home: home, connection: connection, logger: connection.logger("doorstep.export"))
        let data = aggregate
            ? try await session.api.aggregates(campaign: campaign, format: format.rawValue)
            : try await session.api.export(campaign: campaign, format: format.rawValue)
        try Download.write(data, to: output)
        if let output, output != "-" {
            Console.error("Wrote \(data.count) bytes to \(output).")
        }
    }
}
