import ArgumentParser
import DoorstepCore

/// `--language CODE`, shared by the commands that show a form's labels.
struct LanguageOption: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Show the form's labels, hints and messages in this of its languages (such as cy); answers and names do not change.",
        valueName: "code"
    ))
    var language: String?

    /// The language asked for, if it is one of `form`'s.
    ///
    /// - Throws: ``CLIError`` (64) naming the form's languages when it is not.
    func code(for form: FormDefinition) throws -> String? {
        guard let language else { return nil }
        if form.language(language) != nil { return language }
        guard !form.languages.isEmpty else {
            throw CLIError(.usage, "Form \(form.id) version \(form.version) names no languages, so it has no '\(language)'.")
        }
        let known = form.languages.map(\.description).joined(separator: ", ")
        throw CLIError(.usage, "Form \(form.id) version \(form.version) has no language '\(language)'; it has \(known).")
    }
}
