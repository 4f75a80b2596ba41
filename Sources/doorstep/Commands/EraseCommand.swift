import ArgumentParser
import DoorstepCore
import DoorstepWire
import DoorstepStore
import Foundation

/// `doorstep erase RESPONSE_ID [--all] [--reason TEXT]`: a resident withdrew consent.
struct EraseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "erase",
        abstract: "Erase a resident's personal answers when they withdraw consent.",
        discussion: """
            Removes the resident's personal answers: those to the questions the form marks sensitive \
            (such as a name or phone number), except those it marks on_withdrawal: keep (the officer's \
            own record, such as a safeguarding concern about someone else), which stay and are named. \
            With --all every answer goes, keeping only that the response existed. They leave this laptop \
            at once, also from changes waiting to be sent, and leave the server and every other laptop \
            at their next sync. An erasure cannot be undone. Exit 65 when the response is unknown or \
            already erased.

            Examples:
              doorstep erase 3f2a9c1e --reason "Phoned to withdraw"
              doorstep erase 3f2a9c1e --all
            """
    )

    @OptionGroup var home: HomeOptions
    @Argument(help: "The response id, or its first 8 or more characters.") var responseID: String
    @Flag(name: .long, help: "Erase the whole response, not only its personal answers.") var all = false
    @Option(help: ArgumentHelp("Why, kept in the server's log (for example: withdrew consent).", valueName: "text"))
    var reason: String?

    func run() throws {
        let store = try home.openStore()
        let id = try store.resolve(IDPrefix(responseID, kind: .response))
        let before = try store.response(id: id)
        let erasure = try store.eraseResponse(id: id, scope: all ? .all : .sensitive, reason: reason)
        let removed = Set(before.answers.keys).subtracting(try store.response(id: id).answers.keys).sorted()
        let everywhere = "the server and every other laptop drop them at their next sync"
        switch (erasure.scope, removed.isEmpty) {
        case (.all, _):
            Console.out("Erased every answer of response \(id.lowercasedString) from this laptop; \(everywhere).")
        case (.sensitive, false):
            Console.out(
                "Erased the personal answers (\(removed.joined(separator: ", "))) of response \(id.lowercasedString) "
                    + "from this laptop; \(everywhere)."
            )
        case (.sensitive, true), (.expired, _):
            Console.out(
                "Response \(id.lowercasedString) holds no personal answers on this laptop; it is marked erased, and "
                    + "the server and every other laptop drop any they hold at their next sync."
            )
        }
        guard erasure.scope == .sensitive else { return }
        let form = try store.form(id: before.form, version: before.formVersion).definition()
        let kept = form.questions.filter { $0.onWithdrawal == .keep && before.answers[$0.name] != nil }.map(\.name)
        if !kept.isEmpty {
            Console.out("Kept \(kept.joined(separator: ", ")) (the officer's record: on_withdrawal: keep).")
        }
    }
}

extension ErasureError: ExitCodeProviding {
    var exitCode: DoorstepExit { .dataError }
    var messageLines: [String] { [description] }
}
