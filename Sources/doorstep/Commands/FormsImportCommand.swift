import ArgumentParser
import DoorstepCore
import Foundation

extension FormsCommand {
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Turn an XLSForm (.xlsx) into a Doorstep YAML form.",
            discussion: """
                Reads the survey, choices and settings sheets (see "Already have an XLSForm?" in \
                docs/forms.md) and writes the form as YAML to --output, or to stdout. Something \
                Doorstep cannot do (a repeat, a photo, a location) is refused \
                naming its sheet, row and column, and a form that does not pass doorstep forms \
                check is refused naming each fault; either way exit 65, and nothing is written.

                forms check, forms show, forms add and doorstep-server forms publish also take the \
                .xlsx file directly.

                Examples:
                  doorstep forms import survey.xlsx --output survey.yaml
                  doorstep forms import survey.xlsx | less
                """
        )

        @Argument(help: ArgumentHelp("The XLSForm workbook.", valueName: "file.xlsx")) var file: String
        @Option(help: ArgumentHelp("The YAML file to write; stdout when absent or -.", valueName: "file.yaml"))
        var output: String?

        func validate() throws {
            guard file.lowercased().hasSuffix(".xlsx") else {
                throw ValidationError("forms import reads an XLSForm workbook (.xlsx), not \(file).")
            }
        }

        func run() throws {
            let (form, yaml) = try FormsCommand.load(file)
            guard let output, output != "-" else {
                Console.out(String(yaml.dropLast()))
                return
            }
            do {
                try yaml.write(toFile: output, atomically: true, encoding: .utf8)
            } catch {
                throw CLIError(.usage, "The file \(output) cannot be written.")
            }
            let asked = form.questions.filter(\.type.takesInput).count
            Console.error("Wrote \(output): form \(form.id) version \(form.version), \(asked) questions.")
        }
    }
}
