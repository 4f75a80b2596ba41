import ArgumentParser
import DoorstepCore
import DoorstepWire
import DoorstepServer
import Foundation

extension Forms {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List every published version of every form.",
            discussion: "Example: doorstep-server forms list --json"
        )
        @OptionGroup var data: DataOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let database = try data.open()
            let forms = try await database.publishedForms()
            try database.close()
            let rows = forms.map { form -> [String] in
                let title = (try? FormDefinition.parse(yaml: form.source).title) ?? "-"
                return [form.id, form.version, title]
            }
            if json {
                Table.printJSON(rows.map { ["id": $0[0], "version": $0[1], "title": $0[2]] })
            } else if rows.isEmpty {
                FileHandle.standardError.write(Data("No forms published yet: doorstep-server forms publish FILE.\n".utf8))
            } else {
                Table.print(["FORM", "VERSION", "TITLE"], rows)
            }
        }
    }
}
