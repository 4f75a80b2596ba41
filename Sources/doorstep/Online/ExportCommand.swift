import ArgumentParser
import DoorstepCore
import DoorstepStore
import DoorstepSync
import DoorstepWire
import Foundation

/// `doorstep export`: organisers download a campaign's responses or tallies from the server.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Organisers: download a campaign's responses (audited) or, with --aggregate, its tallies.",
        discussion: """
            Writes to --output FILE (mode 0600, as exports hold personal data) or to stdout.

            With --aggregate, --language labels the questions and choices in one of the form's \
            languages, from the form on this laptop; names and figures do not change. The responses \
            hold question and choice names only, which are the same in every language.

            Examples:
              doorstep export --campaign west-end --output west-end.csv
              doorstep export --campaign west-end --aggregate --format json
              doorstep export --campaign west-end --aggregate --language cy
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
    @OptionGroup var language: LanguageOption

    func validate() throws {
        if language.language != nil, !aggregate {
            throw ValidationError("--language labels the tallies: give it with --aggregate (responses hold names, the same in every language).")
        }
    }

    func run() async throws {
        let session = try OnlineSession(home: home, connection: connection, logger: connection.logger("doorstep.export"))
        let data: Data
        if aggregate, language.language != nil {
            data = try await labelledAggregates(session)
        } else if aggregate {
            data = try await session.api.aggregates(campaign: campaign, format: format.rawValue)
        } else {
            data = try await session.api.export(campaign: campaign, format: format.rawValue)
        }
        try Download.write(data, to: output)
        if let output, output != "-" {
            Console.error("Wrote \(data.count) bytes to \(output).")
        }
    }

    /// The tallies with their labels in `--language`, taken from the campaign's form on this laptop.
    private func labelledAggregates(_ session: OnlineSession) async throws -> Data {
        let figures: CampaignAggregates
        do {
            figures = try JSONDecoder().decode(
                CampaignAggregates.self, from: try await session.api.aggregates(campaign: campaign, format: "json")
            )
        } catch let error as SyncError {
            throw error
        } catch {
            throw CLIError(.failure, "The server's tallies could not be read: \(error).")
        }
        let forms = try session.store.forms().filter { $0.id == figures.form }.map { try $0.definition() }
        guard let newest = forms.last else {
            throw CLIError(.dataError, "This laptop does not have form \(figures.form), whose labels --language needs; doorstep sync fetches it.")
        }
        var labelled = figures
        if let code = try language.code(for: newest) { labelled = figures.inLanguage(code, forms: forms) }
        switch format {
        case .csv: return Data(labelled.csv().utf8)
        case .json: return try JSONEncoder.wire.encode(labelled)
        }
    }
}
