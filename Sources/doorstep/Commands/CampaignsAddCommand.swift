import ArgumentParser
import DoorstepCore
import DoorstepWire
import DoorstepStore
import Foundation

extension CampaignsCommand {
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
