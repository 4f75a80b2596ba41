import ArgumentParser
import DoorstepServer

extension Campaigns {
    /// `doorstep-server campaigns publish --data DIR ID`: a snapshot of the figures for viewers.
    struct Publish: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Publish a snapshot of a campaign's figures for viewers, small counts suppressed.",
            discussion: """
                Viewers see the newest snapshot, never live figures. Counts below the campaign's \
                threshold are hidden, with every figure that would reveal one, within the snapshot or \
                by difference with the figures viewers saw before. Safe while the server runs.

                Example: doorstep-server campaigns publish west-end-2026-06
                """
        )
        @OptionGroup var data: DataOptions
        @Argument(help: "The campaign's id.") var id: String

        func run() throws {
            try Failure.run {
                let summary = try data.open().publishSnapshot(campaign: id)
                print("Published snapshot \(summary.number) of campaign \(id): \(summary.shown) counts shown, \(summary.hidden) hidden.")
            }
        }
    }
}
