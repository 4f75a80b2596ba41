import ArgumentParser
import DoorstepServer
import Foundation

extension Tokens {
    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a token; it is printed once and only its hash is kept.",
            discussion: """
                Roles: collector (records and syncs its own work), organiser (sees and settles \
                everything), viewer (published figures only), admin, agency (one partner \
                agency's follow-ups and their outcomes, with --agency). A name a live token has \
                already is refused (exit 65).

                Examples:
                  doorstep-server tokens create --role organiser --name "Sam (organiser)"
                  doorstep-server tokens create --role agency --agency fire --name "Fire (home safety desk)"
                """
        )
        @OptionGroup var data: DataOptions
        @Option(help: "collector, organiser, viewer, admin or agency.") var role: String
        @Option(help: "Who or which laptop the token is for.") var name: String
        @Option(help: "For an agency token: the agency it acts for (see doorstep-server agencies list).") var agency: String?

        func validate() throws {
            guard let parsed = Role(rawValue: role) else {
                throw ValidationError("The role must be collector, organiser, viewer, admin or agency.")
            }
            if parsed == .agency, agency == nil {
                throw ValidationError("An agency token acts for one agency: pass --agency ID.")
            }
            if parsed != .agency, agency != nil {
                throw ValidationError("Only an agency token names an agency; leave out --agency.")
            }
            guard !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("The name cannot be empty.") }
        }

        func run() throws {
            try Failure.run {
                let created = try data.open().createToken(name: name, role: Role(rawValue: role) ?? .viewer, agency: agency)
                print(created.token)
            }
        }
    }
}
