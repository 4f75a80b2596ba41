/// What a token may do. Every `/v1` route names the roles it admits.
public enum Role: String, Sendable, Hashable, Codable, CaseIterable {
    /// An officer's laptop: pushes visits and responses, pulls its own responses.
    case collector
    /// Runs days of action: sees and corrects every response, resolves conflicts, exports.
    case organiser
    /// Reads the figures organisers publish (snapshots, small counts suppressed) as aggregates and
    /// reports; never live figures, doors, knocks, notes or answers, so it may not pull.
    case viewer
    /// Everything an organiser can do, plus the audit log.
    case admin
    /// A partner agency (fire, council, housing, safeguarding), bound to one agency: reads the
    /// follow-ups routed to it and records their outcomes; nothing else.
    case agency
}
