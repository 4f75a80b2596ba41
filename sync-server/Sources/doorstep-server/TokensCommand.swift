import ArgumentParser

/// `doorstep-server tokens`: who may sync, and as what.
struct Tokens: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens",
        abstract: "Create, revoke and list access tokens.",
        discussion: """
            A token is printed once, when created; only its hash is kept. Names are unique among \
            live tokens: organisers see them in the conflict list and on added doors.

            Examples:
              doorstep-server tokens create --role collector --name "Amira (laptop 3)"
              doorstep-server tokens list
              doorstep-server tokens revoke 3f2a9c1e
            """,
        subcommands: [Create.self, Revoke.self, List.self]
    )
}
