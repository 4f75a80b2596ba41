import ArgumentParser
import DoorstepServer
import Foundation

extension Tokens {
    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a token; it is printed once and only its hash is kept.",
            discussion: """
                Roles: collector (records and syncs its own work), organiser (sees and settles \
                everything), viewer (published figures only), admin. A name a live token has \
                already is refused (exit 65).

                Example: doorstep-server tokens create --role organiser --name "Sam (organiser)"
                """
        )
        @OptionGroup var data: DataOptions
        @Option(help: "collector, organiser, viewer or admin.") var role: String
        @Option(help: "Who or which laptop the token is for.") var name: String

        func validate() throws {
            guard Role(rawValue: role) != nil else {
                throw ValidationError("The role must be collector, organiser, viewer or admin.")
            }
            guard !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("The name cannot be empty.") }
        }

        func run() throws {
            try Failure.run {
                let created = try data.open().createToken(name: name, role: Role(rawValue: role) ?? .viewer)
                print(created.token)
            }
        }
    }
}
