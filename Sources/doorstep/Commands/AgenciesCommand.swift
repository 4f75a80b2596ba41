import ArgumentParser
import DoorstepSealing
import DoorstepStore
import DoorstepWire
import Foundation

/// `doorstep agencies`: the partner agencies this laptop seals follow-up answers to.
struct AgenciesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agencies",
        abstract: "List the partner agencies and the public keys answers are sealed to, or add one.",
        discussion: """
            A form's contact details are sealed at the door to the agencies the resident chose, with \
            their public keys; an agency with no key here cannot be chosen until it has one. With a \
            server, every sync brings the partnership's list (an agency it no longer lists is \
            removed); without one, add each agency's public key file, which the agency made with \
            doorstep keys generate.

            Examples:
              doorstep agencies
              doorstep agencies add fire.pub --name "Fire and Rescue"
            """,
        subcommands: [List.self, Add.self],
        defaultSubcommand: List.self
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the agencies on this laptop.",
            discussion: """
                --json prints an array of {agency, name, key_id, public_key}.

                Examples:
                  doorstep agencies
                  doorstep agencies list --json
                """
        )

        @OptionGroup var home: HomeOptions
        @Flag(name: .long, help: "Print JSON on stdout.") var json = false

        func run() throws {
            let agencies = try home.openStore().agencies()
            if json {
                try Console.json(agencies)
                return
            }
            guard !agencies.isEmpty else {
                Console.out("No agencies: run doorstep sync, or add a public key file with doorstep agencies add FILE.pub.")
                return
            }
            Console.table(["AGENCY", "NAME", "KEY"], agencies.map { [$0.agency, $0.name, $0.keyID] })
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add an agency's public key file (standalone use, without a server).",
            discussion: """
                A newer key of an agency already here replaces its key: answers sealed from then on \
                go to the new key. At the next sync a server's list replaces what was added here.

                Example: doorstep agencies add fire.pub --name "Fire and Rescue"
                """
        )

        @OptionGroup var home: HomeOptions
        @Argument(help: ArgumentHelp("The agency's public key file (made by doorstep keys generate).", valueName: "file.pub"))
        var file: String
        @Option(help: ArgumentHelp("The agency's name as officers read it (default: its id).", valueName: "name"))
        var name: String?

        func run() throws {
            let key: AgencyPublicKey
            do {
                key = try AgencyPublicKey(fileText: try Console.readText(file, what: "public key"))
            } catch let error as SealingError {
                throw CLIError(.dataError, "\(file): \(error)")
            }
            let store = try home.openStore()
            let trimmed = name?.trimmingWhitespace()
            let kept = try store.agencies().first { $0.agency == key.agency }?.name
            let agency = AgencyKey(
                agency: key.agency, name: trimmed.flatMap { $0.isEmpty ? nil : $0 } ?? kept ?? key.agency,
                keyID: key.keyID, publicKey: key.base64
            )
            try store.saveAgency(agency)
            Console.out("Added agency \(agency.agency) (\(agency.name)) with key \(agency.keyID).")
        }
    }
}
