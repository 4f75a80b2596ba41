import ArgumentParser

/// `doorstep-server token …`, the earlier spelling of `tokens`, kept for scripts.
struct TokenAlias: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", shouldDisplay: false,
        subcommands: [Tokens.Create.self, Tokens.Revoke.self, Tokens.List.self]
    )
}
