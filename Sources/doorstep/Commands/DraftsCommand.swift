import ArgumentParser
import DoorstepCore
import DoorstepStore
import Foundation

/// `doorstep drafts`: questionnaires started and not saved.
struct DraftsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drafts",
        abstract: "List questionnaires in progress, or discard one.",
        discussion: """
            A door has at most one draft. Drafts put aside (doorstep record ADDRESS --new, or a \
            second draft of a door from before drafts were one per door) are kept, never sent, and \
            listed by doorstep drafts superseded.

            Examples:
              doorstep drafts
              doorstep drafts discard 3f2a9c1e
              doorstep drafts superseded
            """,
        subcommands: [List.self, Discard.self, Superseded.self],
        defaultSubcommand: List.self
    )

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

    struct Discard: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Throw a draft away.", discussion: "Example: doorstep drafts discard 3f2a9c1e"
        )

        @OptionGroup var home: HomeOptions
        @Argument(help: "The draft id, or its first 8 or more characters.") var draftID: String

        func run() throws {
            let store = try home.openStore()
            let id = try store.resolve(IDPrefix(draftID, kind: .draft))
            try store.deleteDraft(id: id)
            Console.out("Discarded draft \(id.lowercasedString).")
        }
    }
}
