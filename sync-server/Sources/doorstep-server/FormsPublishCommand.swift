import ArgumentParser
import DoorstepCore
import DoorstepWire
import DoorstepServer
import DoorstepXLSForm
import Foundation

extension Forms {
    struct Publish: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Publish a form (a new version if the id exists).",
            discussion: """
                Versions are immutable: publishing a changed file under a published version is \
                refused (exit 65). FILE may be an XLSForm workbook (.xlsx): the YAML it converts to \
                is published, as doorstep forms import writes it.

                Examples:
                  doorstep-server forms publish forms/community-safety.yaml
                  doorstep-server forms publish survey.xlsx
                """
        )
        @OptionGroup var data: DataOptions
        @Argument(help: "The form's YAML file, or an XLSForm workbook (.xlsx).") var file: String

        func run() throws {
            try Failure.run {
                let source: String
                do {
                    source = XLSForm.isWorkbook(file)
                        ? try XLSForm.yaml(xlsx: try Data(contentsOf: URL(fileURLWithPath: file)), fileName: file)
                        : try String(contentsOfFile: file, encoding: .utf8)
                } catch let error as XLSFormError {
                    throw AdminError(error.description)
                } catch {
                    throw AdminError("Cannot read \(file).")
                }
                let (form, isNew) = try data.open().publishForm(source: source)
                print(isNew ? "Published form \(form.id) version \(form.version)." : "Form \(form.id) version \(form.version) was already published.")
            }
        }
    }
}
