/// What viewers have been shown of a campaign so far: the last published value of every count.
///
/// Publishing a snapshot compares the new figures with these (``CampaignAggregates/suppressed(after:)``):
/// a count that moved by fewer than the threshold since viewers last saw it is hidden, or the
/// difference would tell what a few residents said. Keys name a count within a dimension
/// (`all`, `street:<name>`, `area:<name>`) and are only meant to be read back by Doorstep.
public struct DisclosedFigures: Codable, Sendable, Hashable {
    /// The last shown value of each count, by key.
    public var counts: [String: Int]

    /// Figures with these counts; none when nothing was published yet.
    public init(counts: [String: Int] = [:]) {
        self.counts = counts
    }
}
