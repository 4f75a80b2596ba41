import ArgumentParser
import DoorstepCore
import DoorstepXLSForm
import Foundation

/// `doorstep forms`: check, show, add and list questionnaires.
struct FormsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forms",
        abstract: "Check, show, add and list questionnaires.",
        discussion: """
            Examples:
              doorstep forms                          # the forms on this laptop
              doorstep forms show community-safety    # read it before the day
              doorstep forms show community-safety@1
              doorstep forms check forms/community-safety.yaml
              doorstep forms import survey.xlsx --output survey.yaml
            """,
        subcommands: [List.self, Check.self, Show.self, Add.self, Import.self],
        defaultSubcommand: List.self
    )

    /// Reads and parses a form file: YAML, or an XLSForm workbook (`.xlsx`) as the YAML it
    /// converts to, which is the source returned.
    static func load(_ path: String) throws -> (FormDefinition, String) {
        let source: String
        if XLSForm.isWorkbook(path) {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw CLIError(.usage, "The form file \(path) cannot be read.")
            }
            source = try XLSForm.yaml(xlsx: data, fileName: path)
        } else {
            source = try Console.readText(path, what: "form")
        }
        return (try FormDefinition.parse(yaml: source), source)
    }
}
