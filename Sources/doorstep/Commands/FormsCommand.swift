import ArgumentParser
import DoorstepCore

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
            """,
        subcommands: [List.self, Check.self, Show.self, Add.self],
        defaultSubcommand: List.self
    )

    /// Reads and parses a form file.
    static func load(_ path: String) throws -> (FormDefinition, String) {
        let source = try Console.readText(path, what: "form")
        return (try FormDefinition.parse(yaml: source), source)
    }
}
