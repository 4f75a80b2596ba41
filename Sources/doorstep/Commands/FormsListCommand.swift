import ArgumentParser
import DoorstepStore

extension FormsCommand {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the forms on this laptop, every version.", discussion: "Example: doorstep forms list --json"
        )

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
}
