import ArgumentParser
import DoorstepCore
import DoorstepStore
import Foundation

extension FormsCommand {
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
}
