import DoorstepCore
public import Foundation

/// Why the store refused a request. Each case reads as one sentence.
public enum ClientStoreError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The home folder cannot hold a store.
    case homeUnusable(path: String, reason: String)
    /// No form with this id (and version, when given) is in the store.
    case unknownForm(id: String, version: String?)
    /// A form version with this id and version is already stored with other content.
    case formVersionExists(id: String, version: String)
    /// No campaign with this id is in the store.
    case unknownCampaign(String)
    /// A campaign with this id is already in the store.
    case campaignExists(String)
    /// The campaign's walk list has no address with this id.
    case unknownAddress(campaign: String, address: String)
    /// No response with this id is in the store.
    case unknownResponse(UUID)
    /// The response was erased at the resident's request and cannot be changed.
    case responseErased(UUID)
    /// No draft with this id is in the store.
    case unknownDraft(UUID)
    /// A door with this id (in any case) is on the walk list already.
    case addressExists(campaign: String, address: String)
    /// A door to add is not valid (``NewAddress/problem(with:)`` says why).
    case invalidAddress(String)
    /// An id typed in another case matches several records that differ only in case.
    case ambiguousID(kind: String, typed: String, matches: [String])
    /// The door has a draft already; a door has at most one.
    case draftExists(campaign: String, address: String, draft: UUID)
    /// No operation with this id is in the outbox.
    case unknownOperation(UUID)
    /// The operation was delivered, waits for its first answer, or was discarded already.
    case notDiscardable(UUID, state: String)
    /// A pulled page belongs to another server epoch than the stored cursor.
    case epochMismatch(stored: String, received: String)
    /// A stored value could not be read back.
    case corrupt(String)
    /// Another process holds the store's write lock (the overnight sync, say).
    case busy
    /// SQLite refused the store; its message.
    case database(String)

    public var description: String {
        switch self {
        case .homeUnusable(let path, let reason):
            "The Doorstep home \(path) cannot be used: \(reason)."
        case .unknownForm(let id, nil):
            "There is no form \"\(id)\" on this laptop; add it with doorstep forms add FILE or sync."
        case .unknownForm(let id, let version?):
            "There is no version \(version) of form \"\(id)\" on this laptop."
        case .formVersionExists(let id, let version):
            "Form \"\(id)\" version \(version) is already stored with different content; give the changed form a new version."
        case .unknownCampaign(let id):
            "There is no campaign \"\(id)\" on this laptop; see doorstep campaigns."
        case .campaignExists(let id):
            "A campaign \"\(id)\" already exists on this laptop."
        case .unknownAddress(let campaign, let address):
            "Campaign \"\(campaign)\" has no address \"\(address)\" on its walk list; see doorstep addresses --campaign \(campaign)."
        case .unknownResponse(let id):
            "There is no response \(id.lowercasedString) on this laptop."
        case .responseErased(let id):
            "Response \(id.lowercasedString) was erased at the resident's request and cannot be changed."
        case .unknownDraft(let id):
            "There is no draft \(id.lowercasedString) on this laptop."
        case .addressExists(let campaign, let address):
            "Campaign \"\(campaign)\" has a door \(address) on its walk list already; give the new door another id."
        case .invalidAddress(let problem):
            problem
        case .ambiguousID(let kind, let typed, let matches):
            "'\(typed)' matches \(matches.count) \(kind) ids that differ only in case (\(matches.joined(separator: ", "))); type it exactly."
        case .draftExists(let campaign, let address, let draft):
            "Door \(address) of campaign \(campaign) has draft \(draft.lowercasedString) already; continue it with doorstep record \(address) --resume, or start again with --new."
        case .unknownOperation(let id):
            "There is no operation \(id.lowercasedString) on this laptop; see doorstep status."
        case .notDiscardable(let id, let state):
            switch state {
            case "sent": "Operation \(id.lowercasedString) was delivered to the server; there is nothing to discard."
            case "discarded": "Operation \(id.lowercasedString) was discarded already."
            default: "Operation \(id.lowercasedString) waits for its first sync; only what the server held or rejected can be discarded."
            }
        case .epochMismatch(let stored, let received):
            "The server's epoch changed from \(stored) to \(received); re-send everything before pulling."
        case .corrupt(let what):
            "The store holds a value it cannot read: \(what)."
        case .busy:
            "The store is busy with another doorstep command; try again in a moment."
        case .database(let message):
            "The store could not be used: \(message)."
        }
    }
}
