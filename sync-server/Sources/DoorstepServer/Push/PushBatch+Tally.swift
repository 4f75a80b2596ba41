import DoorstepCore
import DoorstepWire
import Foundation

extension PushBatch {
    /// Moves a response's tallies from `old` to `new` answers (`nil`: counts nowhere).
    mutating func retally(
        campaign: String, address: String, form: FormDefinition, from old: Answers?, to new: Answers?
    ) throws {
        guard old != new else { return }
        let place = try self.address(campaign: campaign, id: address)
        let key = FormVersionKey(id: form.id, version: form.version)
        let plan = try database.forms.entry(key, db)?.tallyPlan ?? Tally.Plan(form: form)
        let group = TallyGroup(campaign: campaign, form: key, street: place?.street, area: place?.area)
        if let old {
            pendingTallies.append((group, plan.keys(of: old), -1))
        }
        if let new {
            pendingTallies.append((group, plan.keys(of: new), 1))
        }
    }
}

extension [Int] {
    /// Adds one to the count at each of `indexes`, growing as needed.
    mutating func increment(at indexes: [Int]) {
        for index in indexes {
            if index >= count { append(contentsOf: repeatElement(0, count: index - count + 1)) }
            self[index] += 1
        }
    }
}

/// Responses whose tallies spread over the same dimensions: one campaign, form version and place.
struct TallyGroup: Hashable {
    var campaign: String
    var form: FormVersionKey
    var street: String?
    var area: String?
}

/// A tally row's key.
struct CampaignTallyKey: Hashable {
    var campaign: String
    var key: TallyKey
}
