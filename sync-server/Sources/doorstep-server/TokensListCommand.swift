import ArgumentParser
import DoorstepServer
import Foundation

extension Tokens {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List tokens (never the tokens themselves).",
            discussion: """
                Examples:
                  doorstep-server tokens list
                  doorstep-server tokens list --json
                """
        )
        @OptionGroup var data: DataOptions
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            try Failure.run {
                let tokens = try data.open().tokens()
                if json {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                    print(String(decoding: try encoder.encode(tokens), as: UTF8.self))
                } else {
                    Table.print(
                        ["ID", "ROLE", "NAME", "CREATED", "STATE"],
                        tokens.map { token in
                            [
                                token.id, token.agency.map { "agency \($0)" } ?? token.role.rawValue, token.name, token.createdAt,
                                token.revokedAt.map { "revoked \($0)" } ?? "live",
                            ]
                        }
                    )
                }
            }
        }
    }
}
