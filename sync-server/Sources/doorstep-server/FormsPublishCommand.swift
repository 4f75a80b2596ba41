import ArgumentParser
import DoorstepCore
import DoorstepWire
import DoorstepServer
import Foundation

extension Forms {
    struct Publish: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Publish a form (a new version if the id exists).",
            discussion: """
                Versions are immutable: publishing a changed file under a published version is \
                refused (exit 65).

                Example: doorstep-server forms publish forms/community-safety.yaml
                """
        )
        @OptionGroup var data: DataOptions
        @Argument(help: "The form's YAML file.") var file: String

        func run() throws {
            try Failure.run {
                let source: String
                do {
                    source = try String(contentsOfFile: file, encoding: .utf8)
                } catch {
                    throw AdminError("Cannot read \(file).")
                }
                let (form, isNew) = try data.open().publishForm(source: source)
                print(isNew ? "Published form \(form.id) version \(form.version)." : "Form \(form.id) version \(form.version) was already published.")
            }
        }
    }
}
