import DoorstepCore
import DoorstepWire
import DoorstepStore
import Foundation

/// How a response's delivery reads in `responses` and `show`.
enum DeliveryText {
    /// `synced`, `pending`, or `held`/`rejected` with the server's reason.
    static func line(_ delivery: Delivery) -> String {
        switch delivery.state {
        case .synced, .pending: delivery.state.rawValue
        case .held, .rejected: "\(delivery.state.rawValue): \(delivery.reason ?? "the server gave no reason")"
        }
    }
}

/// A line of `responses --json`, and the first keys of `show --json`.
struct ResponseSummaryJSON: Encodable {
    var id: String
    var campaign: String
    var address: String
    var form: String
    var formVersion: String
    var recordedAt: String
    var erased: String?
    /// Where its changes stand with the server: `synced`, `pending`, `held` or `rejected`, the
    /// server's reason for the last two, and how many operations are in each state.
    var sync: String
    var syncReason: String?
    var pendingChanges: Int
    var heldChanges: Int
    var rejectedChanges: Int

    init(
        id: UUID, campaign: String, address: String, form: String, formVersion: String, recordedAt: String,
        erased: Erasure.Scope?, delivery: Delivery
    ) {
        self.id = id.lowercasedString
        self.campaign = campaign
        self.address = address
        self.form = form
        self.formVersion = formVersion
        self.recordedAt = recordedAt
        self.erased = erased?.rawValue
        sync = delivery.state.rawValue
        syncReason = delivery.reason
        pendingChanges = delivery.pending
        heldChanges = delivery.held
        rejectedChanges = delivery.rejected
    }

    init(_ summary: ResponseSummary) {
        self.init(
            id: summary.id, campaign: summary.campaign, address: summary.address, form: summary.form,
            formVersion: summary.formVersion, recordedAt: summary.recordedAt, erased: summary.erased,
            delivery: summary.delivery
        )
    }

    private enum CodingKeys: String, CodingKey {
        case id, campaign, address, form, erased, sync
        case formVersion = "form_version", recordedAt = "recorded_at", syncReason = "sync_reason"
        case pendingChanges = "pending_changes", heldChanges = "held_changes", rejectedChanges = "rejected_changes"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(campaign, forKey: .campaign)
        try container.encode(address, forKey: .address)
        try container.encode(form, forKey: .form)
        try container.encode(formVersion, forKey: .formVersion)
        try container.encode(recordedAt, forKey: .recordedAt)
        // Keys with no value are written as null: a script reads every key of every line.
        try container.encode(erased, forKey: .erased)
        try container.encode(sync, forKey: .sync)
        try container.encode(syncReason, forKey: .syncReason)
        try container.encode(pendingChanges, forKey: .pendingChanges)
        try container.encode(heldChanges, forKey: .heldChanges)
        try container.encode(rejectedChanges, forKey: .rejectedChanges)
    }
}
