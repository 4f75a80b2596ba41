import ArgumentParser
import DoorstepServer

extension Tokens {
    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a token (given the token or its id); it stops working at once.",
            discussion: "Example: doorstep-server tokens revoke 3f2a9c1e"
        )
        @OptionGroup var data: DataOptions
        @Argument(help: "The token, or its id from `tokens list`.") var token: String

        func run() throws {
            try Failure.run {
                guard try data.open().revokeToken(token) else {
                    throw AdminError("No live token matches \(token).")
                }
            }
        }
    }
}
