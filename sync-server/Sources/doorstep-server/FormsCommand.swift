import ArgumentParser

/// `doorstep-server forms`: the questionnaires devices pull.
struct Forms: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Publish and list forms.",
        discussion: """
            Examples:
              doorstep-server forms publish forms/community-safety.yaml
              doorstep-server forms list
            """,
        subcommands: [Publish.self, List.self]
    )
}
