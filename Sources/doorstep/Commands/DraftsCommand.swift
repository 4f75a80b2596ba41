import ArgumentParser

/// `doorstep drafts`: questionnaires started and not saved.
struct DraftsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drafts",
        abstract: "List questionnaires in progress, or discard one.",
        discussion: """
            A door has at most one draft. Drafts put aside (doorstep record ADDRESS --new, or a \
            second draft of a door from before drafts were one per door) are kept, never sent, and \
            listed by doorstep drafts superseded.

            Examples:
              doorstep drafts
              doorstep drafts discard 3f2a9c1e
              doorstep drafts superseded
            """,
        subcommands: [List.self, Discard.self, Superseded.self],
        defaultSubcommand: List.self
    )
}
