import ArgumentParser

/// `doorstep-server campaigns`: days of action and their walk lists.
struct Campaigns: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create and list days of action, and publish their figures for viewers.",
        discussion: """
            Examples:
              doorstep-server campaigns create --id west-end --name "West End" --form community-safety --addresses walk.csv
              doorstep-server campaigns list
              doorstep-server campaigns publish west-end
            """,
        subcommands: [Create.self, Update.self, List.self, Publish.self]
    )
}
