import ArgumentParser
import DoorstepCore
import DoorstepStore

extension FormsCommand {
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
