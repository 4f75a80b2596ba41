import DoorstepCore
import ArgumentParser
import DoorstepStore
import Foundation

/// `doorstep discard OP_ID [--yes]`: a person gives up on a change the server will not take.
struct DiscardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "discard",
        abstract: "Give up on a change the server rejected or holds: it is never sent again.",
        discussion: """
            Only changes the server rejected or holds can be discarded (see doorstep status for \
            their operation ids; any unique prefix of 8 or more characters will do). The change \
            stays on this laptop, marked discarded, but is never sent again and no longer counts \
            as undelivered. Asks for confirmation unless --yes is given. Exit 65 for an unknown \
            operation or one that cannot be discarded, 64 for an ambiguous or too short prefix.

            Example: doorstep discard 5d0c4e2a --yes
            """
    )

    @OptionGroup var home: HomeOptions
    @Argument(help: "The operation id, as doorstep status lists it.") var operationID: String
    @Flag(name: .long, help: "Discard without asking.") var yes = false

    func run() throws {
        let store = try home.openStore()
        let id = try store.resolve(IDPrefix(operationID, kind: .operation))
        guard let operation = try store.undeliveredOperations().first(where: { $0.id == id }) else {
            // Delivered, waiting for its first sync, or discarded already: the store says which.
            try store.discard(operation: id)
            return
        }
        let text = id.lowercasedString
        if !yes {
            guard Console.inputIsTerminal else {
                throw CLIError(.usage, "Discarding cannot be undone; run again with --yes to discard \(text).")
            }
            Console.error("\(operation.type) \(text), \(operation.state.rawValue) by the server: \(operation.reason)")
            if operation.safeguarding {
                Console.error("It carries a SAFEGUARDING CONCERN; make sure it reached the safeguarding lead another way.")
            }
            Console.prompt("Discard it for good? It will never be sent. [y/N] ")
            guard let answer = Console.readLine(), ["y", "yes"].contains(answer.lowercased()) else {
                Console.error("Kept.")
                return
            }
        }
        try store.discard(operation: id)
        Console.out("Discarded \(operation.type) \(text); it will not be sent again.")
    }
}
