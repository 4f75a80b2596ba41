import ArgumentParser
import DoorstepCore
import DoorstepStore
import Foundation

/// `doorstep drafts`: questionnaires started and not saved.
struct DraftsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drafts",
        abstract: "List questionnaires in progress, or discard one.",
        subcommands: [List.self, Discard.self],
        defaultSubcommand: List.self
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List drafts, the most recent first; doorstep record --resume continues one."
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
                    ]
                })
            } else if drafts.isEmpty {
                Console.error("No drafts.")
            } else {
                Console.table(
                    ["DRAFT", "CAMPAIGN", "ADDRESS", "ANSWERS", "SAVED"],
                    drafts.map { [$0.id.lowercasedString, $0.campaign, $0.address, String($0.answers.count), $0.updatedAt] }
                )
            }
        }
    }

    struct Discard: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Throw a draft away.")

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
