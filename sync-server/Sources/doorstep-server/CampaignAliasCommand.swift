import ArgumentParser

/// `doorstep-server campaign …`, the earlier spelling of `campaigns`, kept for scripts.
struct CampaignAlias: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "campaign", shouldDisplay: false,
        subcommands: [Campaigns.Create.self, Campaigns.List.self, Campaigns.Publish.self]
    )
}
