import DoorstepCore
import DoorstepWire
import Foundation

extension PushBatch {
    // MARK: Checks and lookups

    /// The stored response `id` that this token may change, and the form version it was recorded
    /// on: the steps every change to an existing response starts with.
    ///
    /// - Throws: ``Refusal``: held when the server does not have the response or its form version
    ///   (yet), rejected when the token may not change it (see ``ResponseAuthority``).
    func changeableResponse(_ id: UUID) throws -> (row: ResponseRow, form: FormDefinition) {
        guard let row = try ResponseRow.fetch(db, id: id.uuidString) else {
            throw Refusal.held("Response \(id.lowercasedString) is unknown to the server.")
        }
        if let refusal = authority.refusalToChange(responseRecordedWith: row.tokenID) {
            throw Refusal.rejected(refusal)
        }
        return (row, try publishedForm(of: row))
    }

    /// The form version a stored response was recorded on.
    func publishedForm(of row: ResponseRow) throws -> FormDefinition {
        guard let form = try database.forms.definition(id: row.form, version: row.formVersion, db) else {
            throw Refusal.held("Form \(row.form) version \(row.formVersion) is not published on the server.")
        }
        return form
    }

    /// The walk-list address of a new response, after checking its campaign uses its form.
    mutating func checkedPlace(campaign: String, address: String, form: String) throws -> AddressInfo {
        guard let campaignForm = try campaignForm(campaign) else {
            throw Refusal.held("Campaign \(campaign) is unknown to the server.")
        }
        guard campaignForm == form else {
            throw Refusal.rejected("Campaign \(campaign) uses form \(campaignForm), not \(form).")
        }
        guard let place = try self.address(campaign: campaign, id: address) else {
            throw Refusal.rejected("Address \(address) is not on the walk list of campaign \(campaign).")
        }
        return place
    }

    mutating func validator(for form: FormDefinition) -> AnswerValidator {
        let key = FormVersionKey(id: form.id, version: form.version)
        if let validator = validators[key] { return validator }
        let validator = AnswerValidator(form: form, today: today, now: Timestamps.now)
        validators[key] = validator
        return validator
    }

    mutating func campaignForm(_ id: String) throws -> String? {
        if let cached = campaignForms[id] { return cached }
        let form = try String.fetchOne(db, sql: "SELECT form FROM campaigns WHERE id = ?", arguments: [id])
        campaignForms[id] = form
        return form
    }

    func address(campaign: String, id: String) throws -> AddressInfo? {
        try database.forms.place(AddressKey(campaign: campaign, id: id), db)
    }
}
