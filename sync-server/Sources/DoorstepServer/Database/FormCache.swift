import DoorstepCore
import GRDB
import Synchronization

/// Parsed form versions, by id and version. Published versions never change, so entries never expire.
final class FormCache: Sendable {
    private let definitions = Mutex<[FormVersionKey: FormDefinition]>([:])

    /// The form `id` at `version`, parsed from its published source; `nil` when not published.
    func definition(id: String, version: String, _ db: Database) throws -> FormDefinition? {
        let key = FormVersionKey(id: id, version: version)
        if let cached = definitions.withLock({ $0[key] }) { return cached }
        guard let source = try String.fetchOne(
            db, sql: "SELECT source FROM forms WHERE id = ? AND version = ?", arguments: [id, version]
        ) else { return nil }
        let definition = try FormDefinition.parse(yaml: source)
        definitions.withLock { $0[key] = definition }
        return definition
    }
}

/// A form's id and version.
struct FormVersionKey: Hashable, Sendable {
    var id: String
    var version: String
}
