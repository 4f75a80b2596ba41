public import DoorstepStore

/// What one sync did, as `doorstep sync --json` prints it.
public struct SyncSummary: Codable, Sendable, Hashable {
    /// Operations the server applied in this sync.
    public var pushed: Int
    /// Records pulled: forms, campaigns, visits and responses.
    public var pulled: Int
    /// Field values the server kept in conflict because of operations pushed in this sync.
    public var conflicts: Int
    /// Every operation the server holds after this sync (sent again at every sync).
    public var held: [UndeliveredOperation]
    /// Every operation the server rejected that this laptop keeps (this sync's and earlier
    /// ones), until a person discards it.
    public var rejected: [UndeliveredOperation]
    /// How many operations the server held and rejected in this sync.
    public var heldNow: Int
    public var rejectedNow: Int
    /// Operations still waiting (recorded while the sync ran).
    public var pending: Int
    /// Whether the server announced a new epoch (it was restored) and everything was sent again.
    public var resent: Bool
    /// Pull pages applied.
    public var pages: Int
    /// Responses whose answers left this laptop after the sync: synced longer ago than their
    /// campaign's device retention (``ClientStore/dropExpiredAnswers(now:)``).
    public var dropped: Int
    /// When the sync finished, ISO 8601.
    public var finishedAt: String

    /// Creates a summary.
    public init(
        pushed: Int = 0, pulled: Int = 0, conflicts: Int = 0, held: [UndeliveredOperation] = [],
        rejected: [UndeliveredOperation] = [], heldNow: Int = 0, rejectedNow: Int = 0, pending: Int = 0,
        resent: Bool = false, pages: Int = 0, dropped: Int = 0, finishedAt: String = ""
    ) {
        self.pushed = pushed
        self.pulled = pulled
        self.conflicts = conflicts
        self.held = held
        self.rejected = rejected
        self.heldNow = heldNow
        self.rejectedNow = rejectedNow
        self.pending = pending
        self.resent = resent
        self.pages = pages
        self.dropped = dropped
        self.finishedAt = finishedAt
    }

    private enum CodingKeys: String, CodingKey {
        case pushed, pulled, conflicts, held, rejected, pending, resent, pages, dropped
        case heldNow = "held_now", rejectedNow = "rejected_now", finishedAt = "finished_at"
    }
}

/// How far a sync got, for a progress bar.
public enum SyncProgress: Sendable, Hashable {
    /// Pushing: operations answered by the server so far, of `total` waiting when the push began.
    case pushing(done: Int, total: Int)
    /// Pulling: pages and records applied so far (the total is not known in advance).
    case pulling(pages: Int, records: Int)
}
