import ArgumentParser
import DoorstepCore
import DoorstepSealing
import DoorstepServer
import Foundation

/// `doorstep-server agencies`: the partner agencies follow-ups are routed to, and their keys.
struct Agencies: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agencies",
        abstract: "Register partner agencies and their public keys; list them.",
        discussion: """
            An agency makes its key pair on its own machine (doorstep keys generate) and sends \
            its public key file (ID.pub); laptops seal the answers a form routes to the agency \
            with it, from their next sync. A form's follow_ups name agencies by these ids.

            Examples:
              doorstep-server agencies add --id fire --name "Fire and rescue" --key fire.pub
              doorstep-server agencies key --id fire --key fire-2027.pub
              doorstep-server agencies list
              doorstep-server tokens create --role agency --agency fire --name "Fire (home safety desk)"
            """,
        subcommands: [Add.self, Key.self, List.self]
    )

    /// Reads a public key file, exit 65 naming the file when it is not one.
    static func publicKey(_ path: String) throws -> AgencyPublicKey {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw Failure.report("Cannot read the key file \(path): \(error.localizedDescription)", code: 66)
        }
        do {
            return try AgencyPublicKey(fileText: text)
        } catch {
            throw Failure.report("\(path): \(error)", code: 65)
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register an agency with its first public key.",
            discussion: "Example: doorstep-server agencies add --id fire --name \"Fire and rescue\" --key fire.pub"
        )
        @OptionGroup var data: DataOptions
        @Option(help: "The agency's id, as forms route to it: lower-case letters, digits and '-'.") var id: String
        @Option(help: "The agency's name, as organisers read it.") var name: String
        @Option(help: ArgumentHelp("The agency's public key file (from doorstep keys generate).", valueName: "file"))
        var key: String

        func validate() throws {
            guard AgencyID.isValid(id) else { throw ValidationError("The id '\(id)' is not an agency id: \(AgencyID.rule).") }
            guard !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("The name cannot be empty.") }
        }

        func run() throws {
            let key = try Agencies.publicKey(self.key)
            try Failure.run {
                try data.open().addAgency(id: id, name: name.trimmingCharacters(in: .whitespaces), key: key)
                print("Agency \(id) added with key \(key.keyID).")
            }
        }
    }

    struct Key: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give an agency a newer public key (a rotation); older keys stay valid for older answers.",
            discussion: "Example: doorstep-server agencies key --id fire --key fire-2027.pub"
        )
        @OptionGroup var data: DataOptions
        @Option(help: "The agency's id.") var id: String
        @Option(help: ArgumentHelp("The agency's new public key file (from doorstep keys rotate).", valueName: "file"))
        var key: String

        func run() throws {
            let key = try Agencies.publicKey(self.key)
            try Failure.run {
                try data.open().addAgencyKey(key, agency: id)
                print("Agency \(id) now seals to key \(key.keyID); laptops use it from their next sync.")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List agencies, their keys (current first) and live tokens.",
            discussion: """
                Examples:
                  doorstep-server agencies list
                  doorstep-server agencies list --json
                """
        )
        @OptionGroup var data: DataOptions
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            try Failure.run {
                let agencies = try data.open().agencies()
                if json {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                    print(String(decoding: try encoder.encode(agencies), as: UTF8.self))
                } else {
                    Table.print(
                        ["ID", "NAME", "CURRENT KEY", "OLDER KEYS", "TOKENS"],
                        agencies.map { agency in
                            [
                                agency.id, agency.name, agency.keys.first?.keyID ?? "-",
                                String(max(agency.keys.count - 1, 0)), String(agency.tokens),
                            ]
                        }
                    )
                }
            }
        }
    }
}
