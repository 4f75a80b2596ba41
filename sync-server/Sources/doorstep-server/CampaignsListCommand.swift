import ArgumentParser
import DoorstepCore
import DoorstepWire
import DoorstepServer
import Foundation

extension Campaigns {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the campaigns with their form, walk-list size and how long answers are kept.",
            discussion: "Example: doorstep-server campaigns list --json"
        )
        @OptionGroup var data: DataOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let database = try data.open()
            let campaigns = try await database.campaigns()
            let retentions = try await database.campaignRetentions()
            try database.close()
            let rows = campaigns.map { campaign -> [String] in
                let added = campaign.addresses.filter { $0.addedBy != nil }.count
                let retention = retentions[campaign.id]
                return [
                    campaign.id, campaign.name, campaign.date ?? "-", campaign.form, String(campaign.addresses.count), String(added),
                    retention?.retention ?? "form's", retention?.device ?? campaign.deviceRetentionPeriod.description,
                ]
            }
            if json {
                Table.printJSON(rows.map {
                    [
                        "id": $0[0], "name": $0[1], "date": $0[2], "form": $0[3], "addresses": $0[4], "added_on_the_day": $0[5],
                        "retention": $0[6], "device_retention": $0[7],
                    ]
                })
            } else if rows.isEmpty {
                FileHandle.standardError.write(Data("No campaigns yet: doorstep-server campaigns create ...\n".utf8))
            } else {
                Table.print(["CAMPAIGN", "NAME", "DATE", "FORM", "ADDRESSES", "ADDED", "KEPT", "ON LAPTOPS"], rows)
            }
        }
    }
}
