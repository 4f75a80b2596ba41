import ArgumentParser
import DoorstepCore
import DoorstepServer
import DoorstepWire
import Foundation

extension Campaigns {
    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a day of action and its walk list.",
            discussion: """
                The walk list is CSV with a header row: id and address required; postcode, street, \
                area and uprn optional; other columns are kept as notes shown to officers.

                Example:
                  doorstep-server campaigns create --id west-end-2026-06 --name "West End day of action" \\
                    --form community-safety --addresses forms/west-end-walk-list.csv --date 2026-06-06 \\
                    --retention "12 months" --device-retention "14 days"

                A period is \(RetentionPeriod.rule).
                """
        )
        @OptionGroup var data: DataOptions
        @Option(help: "The campaign's id.") var id: String
        @Option(help: "The campaign's name.") var name: String
        @Option(help: "The id of a published form.") var form: String
        @Option(help: "The walk list: CSV with id and address columns.") var addresses: String
        @Option(help: "The day, YYYY-MM-DD.") var date: String?
        @Option(help: "The area the day covers.") var area: String?
        @Option(help: "Counts below this are hidden from viewers.") var suppressionThreshold = 5
        @Option(help: ArgumentHelp(
            "Keep no answer longer than this (such as 12 months): caps the form's periods, never lengthens one (default: the form's).",
            valueName: "period"
        ))
        var retention: String?
        @Option(help: ArgumentHelp(
            "How long officers' laptops keep a response's answers once it is synced.", valueName: "period"
        ))
        var deviceRetention = CampaignInfo.defaultDeviceRetention.description

        func validate() throws {
            _ = try RetentionOption.period(retention, option: "--retention")
            _ = try RetentionOption.period(deviceRetention, option: "--device-retention")
        }

        func run() throws {
            try Failure.run {
                let text: String
                do {
                    text = try String(contentsOfFile: addresses, encoding: .utf8)
                } catch {
                    throw AdminError("Cannot read \(addresses).")
                }
                let walkList = try WalkListCSV.parse(text)
                try data.open().createCampaign(
                    id: id, name: name, form: form, date: date, area: area,
                    suppressionThreshold: suppressionThreshold, retention: try RetentionOption.period(retention, option: "--retention"),
                    deviceRetention: try RetentionOption.period(deviceRetention, option: "--device-retention")
                        ?? CampaignInfo.defaultDeviceRetention,
                    addresses: walkList
                )
                print("Created campaign \(id) with \(walkList.count) addresses.")
            }
        }
    }
}
