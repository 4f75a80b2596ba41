public import DoorstepCore
public import DoorstepWire
import GRDB

extension ClientStore {
    /// Stores a form version with its YAML source.
    ///
    /// Form versions are immutable: adding the same version again with the same source changes
    /// nothing; with a different source it is refused.
    /// - Throws: ``ClientStoreError/formVersionExists(id:version:)``.
    @discardableResult
    public func addForm(_ form: FormDefinition, source: String) throws -> FormAddOutcome {
        try pool.write { db in try insertForm(id: form.id, version: form.version, title: form.title, source: source, db) }
    }

    func insertForm(id: String, version: String, title: String, source: String, _ db: Database) throws -> FormAddOutcome {
        if let existing = try String.fetchOne(
            db, sql: "SELECT source FROM forms WHERE id = ? AND version = ?", arguments: [id, version]
        ) {
            guard existing == source else { throw ClientStoreError.formVersionExists(id: id, version: version) }
            return .alreadyPresent
        }
        try db.execute(
            sql: "INSERT INTO forms (id, version, title, source, added_at) VALUES (?, ?, ?, ?, ?)",
            arguments: [id, version, title, source, Self.timestamp(now())]
        )
        return .added
    }

    /// Stores form versions as the server publishes them, the server's source winning over a
    /// local copy of the same version: an agency's laptop, which pulls nothing, labels its
    /// follow-ups with them.
    public func savePublishedForms(_ forms: [PublishedForm]) throws {
        try pool.write { db in
            for form in forms { try savePublished(form, db) }
        }
    }

    /// One published form version, inside the caller's transaction (a pulled page's, too).
    func savePublished(_ form: PublishedForm, _ db: Database) throws {
        let title = (try? FormDefinition.parse(yaml: form.source))?.title ?? form.id
        try db.execute(
            sql: """
                INSERT INTO forms (id, version, title, source, added_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (id, version) DO UPDATE SET title = excluded.title, source = excluded.source
                    WHERE source != excluded.source
                """,
            arguments: [form.id, form.version, title, form.source, Self.timestamp(now())]
        )
    }

    /// Every stored form version, by form id and then version order.
    public func forms() throws -> [StoredForm] {
        let rows = try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, version, title, source, added_at FROM forms ORDER BY id")
        }
        return rows.map(Self.storedForm).sorted {
            $0.id != $1.id ? $0.id < $1.id : FormVersionOrder.precedes($0.version, $1.version)
        }
    }

    /// One form version, or the latest version of the form when `version` is `nil`.
    ///
    /// - Throws: ``ClientStoreError/unknownForm(id:version:)``.
    public func form(id: String, version: String? = nil) throws -> StoredForm {
        try pool.read { db in try fetchForm(id: id, version: version, db) }
    }

    func fetchForm(id: String, version: String?, _ db: Database) throws -> StoredForm {
        if let version {
            guard let row = try Row.fetchOne(
                db, sql: "SELECT id, version, title, source, added_at FROM forms WHERE id = ? AND version = ?",
                arguments: [id, version]
            ) else { throw ClientStoreError.unknownForm(id: id, version: version) }
            return Self.storedForm(row)
        }
        let versions = try String.fetchAll(db, sql: "SELECT version FROM forms WHERE id = ?", arguments: [id])
        guard let latest = versions.max(by: FormVersionOrder.precedes) else {
            throw ClientStoreError.unknownForm(id: id, version: nil)
        }
        return try fetchForm(id: id, version: latest, db)
    }

    static func storedForm(_ row: Row) -> StoredForm {
        StoredForm(id: row["id"], version: row["version"], title: row["title"], source: row["source"], addedAt: row["added_at"])
    }
}
