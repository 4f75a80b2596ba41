import DoorstepCore
import DoorstepWire
import Synchronization

/// Parsed form versions, by id and version, and the walk-list places the push path has looked up.
///
/// Published versions never change, and neither does an address once its campaign is created, so
/// entries never expire; an address not found is not remembered (its campaign may come later).
final class FormCache: Sendable {
    /// A published form version and what the push path works out from it once.
    struct Entry: Sendable {
        let definition: FormDefinition
        /// What its responses contribute to the tallies.
        let tallyPlan: Tally.Plan
        /// How answers in its order are written as JSON (see ``JSONText/answerKeys(_:)``).
        let answerKeys: [(index: Int, key: [UInt8])]
    }

    private let entries = Mutex<[FormVersionKey: Entry]>([:])
    /// The latest day's validator of each form version: building one parses its expressions.
    private let validators = Mutex<[FormVersionKey: AnswerValidator]>([:])
    private let places = Mutex<[AddressKey: AddressInfo]>([:])

    /// The form `id` at `version`, parsed from its published source; `nil` when not published.
    func definition(id: String, version: String, _ db: any SQLSession) throws -> FormDefinition? {
        try entry(FormVersionKey(id: id, version: version), db)?.definition
    }

    /// The form version `key` with its tally plan; `nil` when not published.
    func entry(_ key: FormVersionKey, _ db: any SQLSession) throws -> Entry? {
        if let cached = entries.withLock({ $0[key] }) { return cached }
        guard let source = try String.fetchOne(
            db, sql: "SELECT source FROM forms WHERE id = ? AND version = ?", arguments: [key.id, key.version]
        ) else { return nil }
        let definition = try FormDefinition.parse(yaml: source)
        let entry = Entry(
            definition: definition, tallyPlan: Tally.Plan(form: definition), answerKeys: JSONWriter.answerKeys(definition)
        )
        entries.withLock { $0[key] = entry }
        return entry
    }

    /// The street and area of the walk-list address `key`; `nil` when it is not on the walk list.
    func place(_ key: AddressKey, _ db: any SQLSession) throws -> AddressInfo? {
        if let cached = places.withLock({ $0[key] }) { return cached }
        // A push adds doors through its own statements, never appends them: the lookup need not wait.
        let statement = try db.statementBesideAppends(sql: "SELECT street, area FROM addresses WHERE campaign = ? AND id = ?")
        guard let row = try SQLRow.fetchOne(statement, arguments: [key.campaign, key.id]) else { return nil }
        let place = AddressInfo(street: row["street"], area: row["area"])
        places.withLock { $0[key] = place }
        return place
    }

    /// A validator of `entry` (the form version `key`) for the day `today`.
    func validator(_ key: FormVersionKey, _ entry: Entry, today: String) -> AnswerValidator {
        if let cached = validators.withLock({ $0[key] }), cached.today == today { return cached }
        let validator = AnswerValidator(form: entry.definition, today: today, now: Timestamps.now)
        validators.withLock { $0[key] = validator }
        return validator
    }

    /// The form version `key` if it has been read already.
    func cachedEntry(_ key: FormVersionKey) -> Entry? {
        entries.withLock { $0[key] }
    }
}

/// A form's id and version.
struct FormVersionKey: Hashable, Sendable {
    var id: String
    var version: String
}
