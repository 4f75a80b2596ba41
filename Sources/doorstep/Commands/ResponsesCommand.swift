import ArgumentParser
import DoorstepCore
import DoorstepWire
import DoorstepStore

/// `doorstep responses`: the responses on this laptop.
struct ResponsesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "responses",
        abstract: "List the responses on this laptop, oldest first.",
        discussion: """
            Examples:
              doorstep responses
              doorstep responses --campaign west-end --json
            """
    )

    @OptionGroup var home: HomeOptions
    @Option(help: "Only this campaign's responses.") var campaign: String?
    @Flag(name: .long, help: "Print JSON on stdout.") var json = false

    func run() throws {
        let responses = try home.openStore().responses(campaign: campaign)
        if json {
            try Console.json(responses.map(ResponseSummaryJSON.init))
        } else if responses.isEmpty {
            Console.error("No responses yet.")
        } else {
            Console.table(
                ["RESPONSE", "CAMPAIGN", "ADDRESS", "RECORDED", "SYNC"],
                responses.map {
                    [$0.id.lowercasedString, $0.campaign, $0.addressLine ?? $0.address, $0.recordedAt, Self.syncState($0)]
                }
            )
        }
    }

    static func syncState(_ response: ResponseSummary) -> String {
        let erased = response.erased.map { $0 == .all ? "erased; " : "personal data erased; " } ?? ""
        return erased + DeliveryText.line(response.delivery)
    }
}
