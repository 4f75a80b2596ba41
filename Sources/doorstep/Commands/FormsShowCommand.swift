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

                --language shows a form written in several languages in one of them.

                Examples:
                  doorstep forms show community-safety
                  doorstep forms show community-safety@1
                  doorstep forms show forms/community-safety.yaml
                  doorstep forms show forms/community-safety-cy.yaml --language cy
                """
        )

        @OptionGroup var home: HomeOptions
        @Argument(help: ArgumentHelp("A form id, ID@VERSION, or a YAML form file.", valueName: "form"))
        var form: String
        @OptionGroup var language: LanguageOption

        func run() throws {
            let (id, version) = Self.split(form)
            let store = try home.openStore()
            let definition: FormDefinition
            if let stored = try? store.form(id: id, version: version) {
                definition = try stored.definition()
            } else if FileManager.default.fileExists(atPath: form) {
                (definition, _) = try FormsCommand.load(form)
            } else {
                // Neither: the store's error names the unknown form.
                definition = try store.form(id: id, version: version).definition()
            }
            Console.out(FormPresenter.render(definition, language: try language.code(for: definition)))
        }

        /// `id@version` as its two parts; a name without `@` is the latest version.
        static func split(_ name: String) -> (id: String, version: String?) {
            guard let at = name.lastIndex(of: "@") else { return (name, nil) }
            return (String(name[..<at]), String(name[name.index(after: at)...]))
        }
    }
}
