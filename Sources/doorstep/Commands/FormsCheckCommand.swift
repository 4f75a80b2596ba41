import ArgumentParser
import DoorstepCore

extension FormsCommand {
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
                    let languages = form.languages.count > 1 ? ", languages \(form.languages.map(\.code).joined(separator: ", "))" : ""
                    Console.out("\(file): ok (\(form.id) version \(form.version), \(asked) questions\(languages))")
                } catch let error as any ExitCodeProviding {
                    for line in error.messageLines { Console.error("\(file): \(line)") }
                    if worst == .success || error.exitCode == .usage { worst = error.exitCode }
                }
            }
            if worst != .success { throw ExitCode(worst.rawValue) }
        }
    }
}
