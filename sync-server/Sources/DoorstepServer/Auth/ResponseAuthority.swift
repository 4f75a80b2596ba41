import DoorstepCore
import DoorstepWire

/// The one place that decides which responses a token may write and read. Every kind of push
/// operation, the settling of a conflict (a write like any other) and the pull ask it.
///
/// * A collector changes and erases only responses recorded with its own token.
/// * A create is the same response from the same token (an idempotent re-send, or a re-send after
///   the server was restored) or it is refused, whatever the role: a create never overwrites a
///   response someone else recorded.
/// * Organisers and admins change any response, as corrections that merge like anyone's edits.
/// * Reads: organisers and admins read every response, a collector its own token's, a viewer none.
/// * An agency changes no response and pulls none; it reads the follow-ups routed to its own
///   agency (`GET /v1/followups`) and records their outcomes, and nobody else records outcomes.
struct ResponseAuthority {
    /// Which responses a token reads.
    enum ReadScope: Equatable {
        case all
        /// Only responses recorded with this token.
        case recordedWith(tokenID: String)
        case none
    }

    let identity: Identity

    /// Why the token may not change (update or erase) a response recorded with `owner`; `nil` when it may.
    func refusalToChange(responseRecordedWith owner: String) -> String? {
        switch identity.role {
        case .organiser, .admin:
            nil
        case .collector:
            owner == identity.tokenID ? nil : "A collector may only change responses recorded with its own token."
        case .viewer:
            "A viewer changes no response."
        case .agency:
            "An agency changes no response; it records the outcomes of its follow-ups."
        }
    }

    /// Why the token may not send this kind of operation at all; `nil` when it may.
    func refusal(toSend operation: SyncOperation) -> String? {
        switch (identity.role, operation.body) {
        case (.agency, .recordOutcome): nil
        case (.agency, _): "An agency token records only follow-up outcomes (followup.outcome)."
        case (_, .recordOutcome): "Only an agency's token records follow-up outcomes."
        default: nil
        }
    }

    /// Why the token may not record `outcome` for a response whose answers ask `routed` agencies;
    /// `nil` when it may.
    func refusalToRecord(_ outcome: FollowUpOutcome, routed: [String]) -> String? {
        guard identity.role == .agency, let agency = identity.agency else { return "Only an agency's token records follow-up outcomes." }
        guard outcome.agency == agency else {
            return "This token acts for agency \(agency); it records outcomes for \(agency) only, not \(outcome.agency)."
        }
        guard outcome.outcome != .purged else {
            return "The outcome purged is the server's own, recorded when a purge removes a follow-up's answers."
        }
        guard routed.contains(agency) else {
            return "Response \(outcome.response.lowercasedString) asks no follow-up of \(agency)."
        }
        return nil
    }

    /// Why the token may not send a create for a response the server already holds, recorded with
    /// `owner`; `nil` when it is the same token sending it again.
    func refusalToCreate(responseRecordedWith owner: String, id: String) -> String? {
        owner == identity.tokenID
            ? nil
            : "Response \(id) already exists and was recorded with another token; a new response needs a new id."
    }

    /// The responses the token reads.
    var readScope: ReadScope {
        switch identity.role {
        case .organiser, .admin: .all
        case .collector: .recordedWith(tokenID: identity.tokenID)
        case .viewer, .agency: .none
        }
    }
}
