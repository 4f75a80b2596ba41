/// What a token may do. Every `/v1` route names the roles it admits.
public enum Role: String, Sendable, Hashable, Codable, CaseIterable {
    /// An officer's laptop: pushes visits and responses, pulls its own responses.
    case collector
    /// Runs days of action: sees and corrects every response, resolves conflicts, exports.
    case organiser
    /// Reads aggregates and reports, with small counts suppressed; sees no responses.
    case viewer
    /// Everything an organiser can do, plus the audit log.
    case admin
}
