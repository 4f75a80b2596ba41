import DoorstepCore
import DoorstepWire
import Foundation

extension PushBatch {
    /// Refuses an operation carrying a sealed answer addressed to a key the server has not
    /// registered for that agency: a laptop seals only to the keys it pulled, so any other key
    /// is a forgery or a mistake, and the agency could not open it.
    mutating func checkSealedKeys(_ operation: SyncOperation) throws {
        var values: [(name: String, text: String)] = []
        switch operation.body {
        case .createResponse(let new):
            for (name, value) in new.answers {
                if case .text(let text) = value, SealedAnswer.looksSealed(text) { values.append((name, text)) }
            }
        case .updateResponse(let update):
            for change in update.fields {
                if case .text(let text)? = change.value, SealedAnswer.looksSealed(text) { values.append((change.name, text)) }
            }
        case .recordVisit, .eraseResponse, .addAddress, .recordOutcome:
            return
        }
        guard !values.isEmpty else { return }
        if registeredKeys == nil { registeredKeys = try ServerDatabase.registeredKeys(db) }
        let known = registeredKeys ?? []
        for (name, text) in values {
            // A malformed one is the validator's to refuse, with the question's own message.
            guard let sealed = SealedAnswer(text: text) else { continue }
            for recipient in sealed.recipients where !known.contains(recipient.agency + "." + recipient.keyID) {
                throw Refusal.rejected(
                    "\(name): sealed to key \(recipient.keyID) of agency \(recipient.agency), which this server has not "
                        + "registered; the laptop seals only to the keys it pulls, so sync it and enter the answer again."
                )
            }
        }
    }

    /// A `followup.outcome`: stored for the response and agency unless a later one is stored.
    mutating func record(_ outcome: FollowUpOutcome, stamp: HLCTimestamp) throws -> Outcome {
        guard let row = try ResponseRow.fetch(db, id: outcome.response.uuidString) else {
            throw Refusal.held("Response \(outcome.response.lowercasedString) is unknown to the server.")
        }
        let form = try publishedForm(of: row)
        if let refusal = authority.refusalToRecord(outcome, routed: form.agenciesAsked(by: row.answers)) {
            throw Refusal.rejected(refusal)
        }
        try ServerDatabase.storeOutcome(
            response: row.number, agency: outcome.agency, outcome: outcome.outcome, note: outcome.note, stamp: stamp, db
        )
        return Outcome(response: row.number)
    }
}
