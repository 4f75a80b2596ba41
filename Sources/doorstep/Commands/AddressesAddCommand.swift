import ArgumentParser
import DoorstepCore
import DoorstepStore
import Foundation

extension AddressesCommand {
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a door that is not on the walk list; prints its id on stdout.",
            discussion: """
                The door goes after every listed door of the campaign and reaches the server and \
                every laptop at the next sync, marked as added by you. Its id is made up (new- and \
                six characters) unless --id gives one; record and visit take it like any other.

                Examples:
                  doorstep addresses add "14a Albion Street" --postcode "TS1 6BN" --street "Albion Street"
                  doorstep addresses add "Flat above the shop, 2 High Street" --id WE-061 --note "Side door"
                """
        )

        @OptionGroup var home: HomeOptions
        @OptionGroup var choice: CampaignChoice
        @Argument(help: ArgumentHelp("The address as it should read on the walk list.", valueName: "address"))
        var line: String
        @Option(help: ArgumentHelp("An id for the door (default: new- and six characters).", valueName: "id"))
        var id: String?
        @Option(help: "Its postcode.") var postcode: String?
        @Option(help: "Its street, for the figures by street.") var street: String?
        @Option(help: "Its area, for the figures by area.") var area: String?
        @Option(help: "A note for every team (no personal data).") var note: String?

        func run() throws {
            let store = try home.openStore()
            let campaign = try choice.resolve(store, home: home)
            let door = WalkListAddress(
                id: id ?? "new-" + UUID().uuidString.prefix(6).lowercased(),
                address: line.trimmingCharacters(in: .whitespaces),
                postcode: postcode, street: street, area: area, notes: note.map { ["notes": $0] } ?? [:]
            )
            let added = try store.addAddress(campaign: campaign.id, door: door)
            Console.error("Added \(added.address) to \(campaign.name) as \(added.id); it reaches every team at the next sync.")
            Console.out(added.id)
        }
    }
}
