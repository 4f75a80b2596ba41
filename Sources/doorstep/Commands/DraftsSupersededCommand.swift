import ArgumentParser
import DoorstepCore
import DoorstepStore

extension DraftsCommand {
    struct Superseded: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List drafts put aside when their door was started again; they are never sent.",
            discussion: "Example: doorstep drafts superseded --json"
        )

        @OptionGroup var home: HomeOptions
        @Flag(name: .long, help: "Print JSON on stdout.") var json = false

        func run() throws {
            let drafts = try home.openStore().supersededDrafts()
            if json {
                try Console.json(drafts.map {
                    [
                        "id": $0.draft.id.lowercasedString, "campaign": $0.draft.campaign, "address": $0.draft.address,
                        "form": $0.draft.form, "form_version": $0.draft.formVersion,
                        "answers": String($0.draft.answers.count), "started_at": $0.draft.startedAt,
                        "updated_at": $0.draft.updatedAt, "superseded_at": $0.supersededAt,
                    ]
                })
            } else if drafts.isEmpty {
                Console.error("No drafts were put aside.")
            } else {
                Console.table(
                    ["DRAFT", "CAMPAIGN", "ADDRESS", "ANSWERS", "SAVED", "PUT ASIDE"],
                    drafts.map {
                        [$0.draft.id.lowercasedString, $0.draft.campaign, $0.draft.address,
                         String($0.draft.answers.count), $0.draft.updatedAt, $0.supersededAt]
                    }
                )
            }
        }
    }
}
