import ArgumentParser
import DoorstepCore
import DoorstepWire
import DoorstepStore
import DoorstepSync
import Foundation

/// `doorstep resolve`: settles a conflict with the value the organiser chose.
struct ResolveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resolve",
        abstract: "Organisers: settle a conflict with a value; it reaches every device on their next sync.",
        discussion: """
            The value is typed as the question's answer when this laptop has the form (a number, \
            a choice name, several choice names separated by spaces); otherwise a JSON value or text.

            Examples:
              doorstep resolve 8d1e40b7 --value fairly_safe
              doorstep resolve 8d1e40b7 --clear
            """
    )

    @OptionGroup var home: HomeOptions
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: ArgumentHelp("The conflict's id as doorstep conflicts shows it, or its first 8 or more characters.", valueName: "conflict-id"))
    var conflict: String
    @Option(help: "The value to keep.") var value: String?
    @Flag(name: .long, help: "Clear the answer instead of keeping a value.") var clear = false

    func validate() throws {
        guard (value != nil) != clear else { throw ValidationError("Give either --value VALUE or --clear.") }
    }

    func run() async throws {
        let prefix = try IDPrefix(conflict, kind: .conflict)
        let session = try OnlineSession(home: home, connection: connection, logger: connection.logger("doorstep.resolve"))
        let known = try prefix.match(try await session.api.conflicts(campaign: nil), id: \.id)
        let chosen = try value.map { try Self.typed($0, field: known.field, response: known.response, store: session.store) }
        _ = try await session.api.resolve(conflict: known.id, value: chosen)
        Console.out("Resolved \(known.id) with \(chosen?.description ?? "a cleared answer"); it reaches every device on its next sync.")
    }

    /// Types the organiser's text as the question's answer, using the response's form version.
    static func typed(_ text: String, field: String, response: UUID, store: ClientStore) throws -> AnswerValue {
        if let stored = try? store.response(id: response),
           let form = try? store.form(id: stored.form, version: stored.formVersion).definition(),
           let question = form.question(named: field) {
            switch AnswerValidator(form: form, today: Console.today()).coerce(text, for: question) {
            case .success(let answer): return answer
            case .failure(let problem): throw CLIError(.dataError, problem.description)
            }
        }
        if let data = text.data(using: .utf8), let answer = try? JSONDecoder().decode(AnswerValue.self, from: data) {
            return answer
        }
        return .text(text)
    }
}
