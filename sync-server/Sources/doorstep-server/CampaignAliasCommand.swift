import ArgumentParser

/// `doorstep-server campaign …`: `campaigns` by its singular name, hidden from help, for scripts that use it.
struct CampaignAlias: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "campaign", shouldDisplay: false,
        subcommands: [Campaigns.Create.self, Campaigns.List.self, Campaigns.Publish.self]
    )
}
