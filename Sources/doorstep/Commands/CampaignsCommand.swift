import ArgumentParser

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
}
