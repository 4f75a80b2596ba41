import ArgumentParser
import DoorstepCore
import DoorstepStore
import Foundation

/// `doorstep erase RESPONSE_ID [--all] [--reason TEXT]`: a resident withdrew consent.
struct EraseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "erase",
        abstract: "Erase a resident's personal answers when they withdraw consent.",
        discussion: """
            Removes the answers to the questions the form marks sensitive (such as a name, phone number or \
            safeguarding details), or with --all every answer, keeping only that the response existed. \
            They leave this laptop at once, also from changes waiting to be sent, and leave the server and \
            every other laptop at their next sync. An erasure cannot be undone. Exit 65 when the response \
            is unknown or already erased.
            """
    )

    @OptionGroup var home: HomeOptions
    @Argument(help: "The response id.") var responseID: String
    @Flag(name: .long, help: "Erase the whole response, not only its personal answers.") var all = false
    @Option(help: ArgumentHelp("Why, kept in the server's log (for example: withdrew consent).", valueName: "text"))
    var reason: String?

    func validate() throws {
        if UUID(uuidString: responseID) == nil { throw ValidationError("'\(responseID)' is not a response id.") }
    }

    func run() throws {
        guard let id = UUID(uuidString: responseID) else { return }
        let store = try home.openStore()
        let before = Set(try store.response(id: id).answers.keys)
        let erasure = try store.eraseResponse(id: id, scope: all ? .all : .sensitive, reason: reason)
        let removed = before.subtracting(try store.response(id: id).answers.keys).sorted()
        let everywhere = "the server and every other laptop drop them at their next sync"
        switch (erasure.scope, removed.isEmpty) {
        case (.all, _):
            Console.out("Erased every answer of response \(id.uuidString) from this laptop; \(everywhere).")
        case (.sensitive, false):
            Console.out(
                "Erased the personal answers (\(removed.joined(separator: ", "))) of response \(id.uuidString) "
                    + "from this laptop; \(everywhere)."
            )
        case (.sensitive, true):
            Console.out(
                "Response \(id.uuidString) holds no personal answers on this laptop; it is marked erased, and "
                    + "the server and every other laptop drop any they hold at their next sync."
            )
        }
    }
}

extension ErasureError: ExitCodeProviding {
    var exitCode: DoorstepExit { .dataError }
    var messageLines: [String] { [description] }
}
