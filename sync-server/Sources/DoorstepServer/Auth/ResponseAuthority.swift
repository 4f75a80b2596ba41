/// The one place that decides which responses a token may write and read. Every kind of push
/// operation, the settling of a conflict (a write like any other) and the pull ask it.
///
/// * A collector changes and erases only responses recorded with its own token.
/// * A create is the same response from the same token (an idempotent re-send, or a re-send after
///   the server was restored) or it is refused, whatever the role: a create never overwrites a
///   response someone else recorded.
/// * Organisers and admins change any response, as corrections that merge like anyone's edits.
/// * Reads: organisers and admins read every response, a collector its own token's, a viewer none.
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
        }
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
        case .viewer: .none
        }
    }
}
