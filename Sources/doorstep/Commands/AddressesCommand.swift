import ArgumentParser

/// `doorstep addresses`: the walk list and where each door stands, and doors added on the day.
struct AddressesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "addresses",
        abstract: "Show the walk list with each door's notes and status, or add a door found on the day.",
        discussion: """
            Examples:
              doorstep addresses --todo
              doorstep addresses add "14a Albion Street" --postcode "TS1 6BN" --street "Albion Street"
            """,
        subcommands: [List.self, Add.self],
        defaultSubcommand: List.self
    )
}
