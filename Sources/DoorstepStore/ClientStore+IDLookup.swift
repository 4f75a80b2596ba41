public import Foundation
import GRDB

extension ClientStore {
    /// The response, draft or pending operation on this laptop that `prefix` names.
    ///
    /// The store keeps ids as `uuidString` (upper case), so the prefix is looked up as a range of
    /// that text, which the tables' unique index answers.
    /// - Throws: ``IDLookupError/ambiguous(_:kind:matches:)`` when several start with the prefix,
    ///   ``IDLookupError/noMatch(_:kind:)`` when none does.
    public func resolve(_ prefix: IDPrefix) throws -> UUID {
        let table: String
        switch prefix.kind {
        case .response: table = "responses"
        case .draft: table = "drafts"
        case .operation: table = "outbox"
        case .conflict: throw IDLookupError.noMatch(prefix.text, kind: prefix.kind)
        }
        let stored = prefix.text.uppercased()
        let candidates = try pool.read { db in
            // Every character of an id sorts before "~", so this is the range of ids starting with `stored`.
            try String.fetchAll(db, sql: "SELECT id FROM \(table) WHERE id >= ? AND id < ?", arguments: [stored, stored + "~"])
        }
        let match = try prefix.match(candidates) { $0 }
        guard let id = UUID(uuidString: match) else { throw ClientStoreError.corrupt("\(prefix.kind.rawValue) id \(match)") }
        return id
    }
}
