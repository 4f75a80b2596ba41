import ArgumentParser
import DoorstepCore
import DoorstepStore

extension DraftsCommand {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List drafts, the most recent first; doorstep record ADDRESS --resume continues one.",
            discussion: "Example: doorstep drafts --json"
        )

        @OptionGroup var home: HomeOptions
        @Flag(name: .long, help: "Print JSON on stdout.") var json = false

        func run() throws {
            let drafts = try home.openStore().drafts()
            if json {
                try Console.json(drafts.map {
                    [
                        "id": $0.id.lowercasedString, "campaign": $0.campaign, "address": $0.address, "form": $0.form,
                        "form_version": $0.formVersion, "answers": String($0.answers.count),
                        "started_at": $0.startedAt, "updated_at": $0.updatedAt,
                        "at_review": $0.position == .review ? "true" : "false",
                    ]
                })
            } else if drafts.isEmpty {
                Console.error("No drafts.")
            } else {
                Console.table(
                    ["DRAFT", "CAMPAIGN", "ADDRESS", "ANSWERS", "STOPPED AT", "SAVED"],
                    drafts.map {
                        [$0.id.lowercasedString, $0.campaign, $0.address, String($0.answers.count),
                         $0.position == .review ? "review" : "questions", $0.updatedAt]
                    }
                )
            }
        }
    }
}
