import ArgumentParser
import DoorstepStore
import Foundation

/// `--campaign`, shared by the commands that work on one campaign's doors, and the current
/// campaign (`doorstep use`) that stands in for it.
struct CampaignChoice: ParsableArguments {
    @Option(help: ArgumentHelp(
        "The campaign's id (default: the current one, see doorstep use).", valueName: "id"
    ))
    var campaign: String?

    /// The file in the home folder naming the current campaign.
    static func file(in home: URL) -> URL { home.appendingPathComponent("current-campaign") }

    /// The current campaign's id as `doorstep use` saved it, if any.
    static func current(in home: URL) -> String? {
        guard let data = FileManager.default.contents(atPath: file(in: home).path) else { return nil }
        let id = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return id.isEmpty ? nil : id
    }

    /// The campaign to work on: `--campaign`, else the current one, else the only campaign on the
    /// laptop (with a note on stderr).
    ///
    /// - Throws: bad usage (64) when several campaigns are stored and none is chosen; bad data (65)
    ///   when the one named is not on the laptop.
    func resolve(_ store: ClientStore, home: HomeOptions) throws -> Campaign {
        if let campaign { return try store.campaign(id: campaign) }
        let homeURL = try home.homeURL()
        if let current = Self.current(in: homeURL) {
            do {
                return try store.campaign(id: current)
            } catch ClientStoreError.unknownCampaign {
                throw CLIError(.dataError, "The current campaign \(current) is not on this laptop; choose another with doorstep use CAMPAIGN.")
            }
        }
        let campaigns = try store.campaigns().map(\.campaign)
        switch campaigns.count {
        case 0:
            throw CLIError(.dataError, "There is no campaign on this laptop yet: sync, or add one with doorstep campaigns add.")
        case 1:
            Console.error("Campaign \(campaigns[0].id) (the only one on this laptop).")
            return campaigns[0]
        default:
            throw CLIError(.usage, "This laptop has \(campaigns.count) campaigns (\(campaigns.map(\.id).joined(separator: ", "))): choose one with doorstep use CAMPAIGN, or pass --campaign.")
        }
    }
}
