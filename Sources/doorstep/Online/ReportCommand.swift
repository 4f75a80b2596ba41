import ArgumentParser
import DoorstepSync
import Foundation

/// `doorstep report`: the organisers' HTML report of a campaign, from the server.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Organisers and viewers: download a campaign's report as one HTML file with charts.",
        discussion: """
            Writes CAMPAIGN-report.html in the current folder unless --output names the file (- for \
            stdout). --with-text adds what residents typed in answer to free-text questions that are \
            not sensitive (organisers only; not with --compare): check such a copy before sending it on. \
            When the walk list gives where doors are, the report has a map whose streets are shaded by \
            the share of doors surveyed, or by an answer with --map-answer QUESTION=CHOICE. \
            --language labels the questions and choices in one of the form's languages (the \
            report's own headings stay in English); names and figures do not change.

            Examples:
              doorstep report --campaign west-end
              doorstep report --campaign west-end --compare west-end-spring --output board.html
              doorstep report --campaign west-end --map-answer safe_after_dark=very_unsafe
              doorstep report --campaign west-end --language cy
            """
    )

    @OptionGroup var home: HomeOptions
    @OptionGroup var connection: ConnectionOptions
    @Option(help: "The campaign's id.") var campaign: String
    @Option(help: ArgumentHelp("Another campaign to compare with, side by side.", valueName: "id")) var compare: String?
    @Option(help: ArgumentHelp("The HTML file to write (default: CAMPAIGN-report.html; - for stdout).", valueName: "file"))
    var output: String?
    @Flag(help: "Organisers: also list what residents typed (free-text questions that are not sensitive).")
    var withText = false
    @Option(help: ArgumentHelp("Shade the map's streets by the share giving this answer.", valueName: "question=choice"))
    var mapAnswer: String?
    @Option(help: ArgumentHelp("Label questions and choices in this of the form's languages (such as cy).", valueName: "code"))
    var language: String?

    func validate() throws {
        if let mapAnswer, mapAnswer.split(separator: "=", omittingEmptySubsequences: false).filter({ !$0.isEmpty }).count != 2 {
            throw ValidationError("--map-answer takes QUESTION=CHOICE, such as safe_after_dark=very_unsafe, not \(mapAnswer).")
        }
    }

    func run() async throws {
        let session = try OnlineSession(home: home, connection: connection, logger: connection.logger("doorstep.report"))
        let data = try await session.api.report(
            campaign: campaign, compare: compare, freeText: withText,
            mapAnswer: mapAnswer.map { $0.replacingOccurrences(of: "=", with: ":") }, language: language
        )
        let file = output ?? "\(campaign)-report.html"
        try Download.write(data, to: file)
        if file != "-" { Console.error("Wrote the report to \(file).") }
    }
}
