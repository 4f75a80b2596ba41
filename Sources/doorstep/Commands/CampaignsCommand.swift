import ArgumentParser
import DoorstepCore
import DoorstepWire
import DoorstepStore
import Foundation

/// `doorstep campaigns`: the days of action on this laptop.
struct CampaignsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "campaigns",
        abstract: "List campaigns (days of action), or add one with its walk list.",
        discussion: """
            Examples:
              doorstep campaigns
              doorstep campaigns add --id west-end --name "West End" --form community-safety --addresses walk.csv
            """,
        subcommands: [List.self, Add.self],
        defaultSubcommand: List.self
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the campaigns on this laptop.", discussion: "Example: doorstep campaigns list --json"
        )

        @OptionGroup var home: HomeOptions
        @Flag(name: .long, help: "Print JSON on stdout.") var json = false

        func run() throws {
            let campaigns = try home.openStore().campaigns()
            if json {
                try Console.json(campaigns.map(CampaignJSON.init))
            } else if campaigns.isEmpty {
                Console.error("No campaigns yet: add one with doorstep campaigns add, or sync.")
            } else {
                Console.table(
                    ["CAMPAIGN", "NAME", "DATE", "AREA", "FORM", "ADDRESSES", "RESPONSES"],
                    campaigns.map {
                        let campaign = $0.campaign
                        return [campaign.id, campaign.name, campaign.date ?? "-", campaign.area ?? "-", campaign.form,
                                String($0.addresses), String($0.responses)]
                    }
                )
            }
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a campaign and its walk list (standalone use, without a server).",
            discussion: """
                The walk list is CSV with a header row: id and address required; postcode, street, area \
                and uprn optional; other columns are kept as notes.

                Example:
                  doorstep campaigns add --id west-end --name "West End" --form community-safety \\
                    --addresses forms/west-end-walk-list.csv --date 2026-06-06
                """
        )

        @OptionGroup var home: HomeOptions
        @Option(help: "The campaign's id.") var id: String
        @Option(help: "Its name, as officers see it.") var name: String
        @Option(help: "The id of the form its questionnaires use.") var form: String
        @Option(help: ArgumentHelp("The walk list.", valueName: "file.csv")) var addresses: String
        @Option(help: "The day, YYYY-MM-DD.") var date: String?
        @Option(help: "The area covered.") var area: String?

        func validate() throws {
            if id.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("The campaign id must not be empty.") }
            if name.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("The campaign name must not be empty.") }
        }

        func run() throws {
            let csv = try Console.readText(addresses, what: "walk list")
            let walkList: [WalkListAddress]
            do {
                walkList = try WalkListCSV.parse(csv)
            } catch {
                throw CLIError(.dataError, lines: error.problems.map { "\(addresses), \($0)" })
            }
            let store = try home.openStore()
            try store.addCampaign(CampaignInfo(
                id: id, name: name, form: form, date: date, area: area, addresses: walkList
            ))
            Console.out("Added campaign \(id) (\(name)) with \(walkList.count) addresses.")
        }
    }
}

/// A campaign as `--json` prints it.
struct CampaignJSON: Encodable {
    var id: String
    var name: String
    var form: String
    var date: String?
    var area: String?
    var addresses: Int
    var responses: Int

    init(_ summary: CampaignSummary) {
        id = summary.campaign.id
        name = summary.campaign.name
        form = summary.campaign.form
        date = summary.campaign.date
        area = summary.campaign.area
        addresses = summary.addresses
        responses = summary.responses
    }
}
