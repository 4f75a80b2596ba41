import ArgumentParser
import DoorstepCore
import DoorstepStore
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
            """,
        subcommands: [List.self, Check.self, Show.self, Add.self],
        defaultSubcommand: List.self
    )

    /// Reads and parses a form file.
    static func load(_ path: String) throws -> (FormDefinition, String) {
        let source = try Console.readText(path, what: "form")
        return (try FormDefinition.parse(yaml: source), source)
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the forms on this laptop, every version.", discussion: "Example: doorstep forms list --json"
        )

        @OptionGroup var home: HomeOptions
        @Flag(name: .long, help: "Print JSON on stdout.") var json = false

        func run() throws {
            let forms = try home.openStore().forms()
            if json {
                try Console.json(forms.map {
                    ["id": $0.id, "version": $0.version, "title": $0.title, "added_at": $0.addedAt]
                })
            } else if forms.isEmpty {
                Console.error("No forms yet: add one with doorstep forms add FILE, or sync.")
            } else {
                Console.table(["FORM", "VERSION", "TITLE", "ADDED"], forms.map { [$0.id, $0.version, $0.title, $0.addedAt] })
            }
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check questionnaire files; exit 65 naming each fault.",
            discussion: """
                Each fault is printed on stderr as FILE: fault. A file that passes is named on stdout.

                Example: doorstep forms check forms/*.yaml
                """
        )

        @Argument(help: "YAML form files.") var files: [String]

        func validate() throws {
            if files.isEmpty { throw ValidationError("Name at least one form file.") }
        }

        func run() throws {
            var worst = DoorstepExit.success
            for file in files {
                do {
                    let (form, _) = try FormsCommand.load(file)
                    let asked = form.questions.filter(\.type.takesInput).count
                    Console.out("\(file): ok (\(form.id) version \(form.version), \(asked) questions)")
                } catch let error as any ExitCodeProviding {
                    for line in error.messageLines { Console.error("\(file): \(line)") }
                    if worst == .success || error.exitCode == .usage { worst = error.exitCode }
                }
            }
            if worst != .success { throw ExitCode(worst.rawValue) }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a questionnaire as an officer will see it: a form on this laptop, or a file.",
            discussion: """
                FORM is a form's id on this laptop (its latest version), ID@VERSION for another \
                version, or a YAML file. A name that is both a stored form and a file means the \
                stored form.

                Examples:
                  doorstep forms show community-safety
                  doorstep forms show community-safety@1
                  doorstep forms show forms/community-safety.yaml
                """
        )

        @OptionGroup var home: HomeOptions
        @Argument(help: ArgumentHelp("A form id, ID@VERSION, or a YAML form file.", valueName: "form"))
        var form: String

        func run() throws {
            let (id, version) = Self.split(form)
            let store = try home.openStore()
            if let stored = try? store.form(id: id, version: version) {
                Console.out(FormPresenter.render(try stored.definition()))
            } else if FileManager.default.fileExists(atPath: form) {
                let (definition, _) = try FormsCommand.load(form)
                Console.out(FormPresenter.render(definition))
            } else {
                _ = try store.form(id: id, version: version)
            }
        }

        /// `id@version` as its two parts; a name without `@` is the latest version.
        static func split(_ name: String) -> (id: String, version: String?) {
            guard let at = name.lastIndex(of: "@") else { return (name, nil) }
            return (String(name[..<at]), String(name[name.index(after: at)...]))
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a questionnaire to this laptop (standalone use, without a server).",
            discussion: """
                Versions are immutable: a changed form needs a new version.

                Example: doorstep forms add forms/community-safety.yaml
                """
        )

        @OptionGroup var home: HomeOptions
        @Argument(help: "A YAML form file.") var file: String

        func run() throws {
            let (form, source) = try FormsCommand.load(file)
            switch try home.openStore().addForm(form, source: source) {
            case .added: Console.out("Added form \(form.id) version \(form.version): \(form.title).")
            case .alreadyPresent: Console.out("Form \(form.id) version \(form.version) is already on this laptop.")
            }
        }
    }
}
