import DoorstepWire

/// What a batch of operations did, for ``ServerMetrics``: gathered while the batch is applied,
/// recorded only once its transaction has committed.
///
/// An operation counts when the server decides it afresh: one whose id was answered before gets
/// its stored result and counts nothing, while a held operation sent again is decided again.
struct PushEvents: Sendable {
    /// An operation's wire kind and the answer it got.
    struct Decision: Hashable, Sendable {
        var kind: String
        var status: OperationResult.Status
    }

    /// Operations decided, by kind and answer.
    var decisions: [Decision: Int] = [:]
    /// Conflicts the batch's applied operations opened (values kept for organisers).
    var conflictsOpened = 0
    /// Open conflicts the batch's applied operations closed.
    var conflictsResolved = 0

    /// Counts an operation's answer.
    mutating func decided(_ kind: String, _ status: OperationResult.Status) {
        decisions[Decision(kind: kind, status: status), default: 0] += 1
    }
}
