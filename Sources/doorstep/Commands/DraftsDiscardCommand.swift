import ArgumentParser
import DoorstepCore
import DoorstepStore

extension DraftsCommand {
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
