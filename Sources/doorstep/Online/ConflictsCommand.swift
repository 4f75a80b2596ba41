import ArgumentParser
import DoorstepCore
import DoorstepWire
import DoorstepSync

/// `doorstep conflicts`: values the server kept because they were overwritten concurrently.
struct ConflictsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conflicts",
        abstract: "Organisers: list values kept because two people changed the same answer at once.",
        discussion: """
            Examples:
              doorstep conflicts
              doorstep conflicts --campaign west-end --json
            """
    )

    @OptionGroup var home: HomeOptions
    @OptionGroup var connection: ConnectionOptions
    @Option(help: "Only this campaign's conflicts.") var campaign: String?
    @Flag(name: .long, help: "Print JSON on stdout.") var json = false

    func run() async throws {
        let session = try OnlineSession(home: home, connection: connection, logger: connection.logger("doorstep.conflicts"))
        let conflicts = try await session.api.conflicts(campaign: campaign)
        if json {
            try Console.json(conflicts)
        } else if conflicts.isEmpty {
            Console.error("No conflicts\(campaign.map { " in campaign \($0)" } ?? "").")
        } else {
            Console.table(
                ["CONFLICT", "RESPONSE", "FIELD", "KEPT VALUE", "BY", "CURRENT VALUE"],
                conflicts.map { conflict in
                    [
                        conflict.id, conflict.response.lowercasedString, conflict.field,
                        conflict.value?.readable ?? "(cleared)", conflict.officer ?? conflict.device,
                        conflict.current?.readable ?? "(cleared)",
                    ]
                }
            )
            Console.error("Settle one with: doorstep resolve CONFLICT --value VALUE")
        }
    }
}
