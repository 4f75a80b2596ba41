import ArgumentParser
import DoorstepCore
import DoorstepStore

/// `doorstep forms`: check, show, add and list questionnaires.
struct FormsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forms",
        abstract: "Check, show, add and list questionnaires.",
        subcommands: [List.self, Check.self, Show.self, Add.self],
        defaultSubcommand: List.self
    )

    /// Reads and parses a form file.
    static func load(_ path: String) throws -> (FormDefinition, String) {
        let source = try Console.readText(path, what: "form")
        return (try FormDefinition.parse(yaml: source), source)
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the forms on this laptop, every version.")

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
            discussion: "Each fault is printed on stderr as FILE: fault. A file that passes is named on stdout."
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
        static let configuration = CommandConfiguration(abstract: "Show a questionnaire file as an officer will see it.")

        @Argument(help: "A YAML form file.") var file: String

        func run() throws {
            let (form, _) = try FormsCommand.load(file)
            Console.out(FormPresenter.render(form))
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a questionnaire to this laptop (standalone use, without a server).",
            discussion: "Versions are immutable: a changed form needs a new version."
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
