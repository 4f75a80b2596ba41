import ArgumentParser
import DoorstepStore

extension CampaignsCommand {
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
