import ArgumentParser

/// `doorstep-server token …`: `tokens` by its singular name, hidden from help, for scripts that use it.
struct TokenAlias: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", shouldDisplay: false,
        subcommands: [Tokens.Create.self, Tokens.Revoke.self, Tokens.List.self]
    )
}
