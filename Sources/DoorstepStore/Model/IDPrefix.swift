import Foundation

/// An id as a person types it: the whole id or a prefix of at least ``minimumLength`` of its
/// characters, in any case.
///
/// Every command that takes the id of a response, a draft, an operation or a conflict reads it
/// through this one type, and picks the record with ``match(_:id:)`` (or ``ClientStore/resolve(_:)``
/// for the records of this laptop): one record must start with the prefix.
public struct IDPrefix: Sendable, Hashable, CustomStringConvertible {
    /// What kind of record an id names.
    public enum Kind: String, Sendable, Hashable {
        case response, draft, operation, conflict
    }

    /// The fewest characters accepted: with 8 hex digits, two of a day's records share a prefix rarely.
    public static let minimumLength = 8

    /// The kind of record the id names.
    public let kind: Kind
    /// The text as typed, lower-cased and without surrounding spaces.
    public let text: String

    /// Reads what a person typed.
    /// - Parameters:
    ///   - typed: A whole id or a prefix of one, in any case.
    ///   - kind: The kind of record it names, for messages.
    /// - Throws: ``IDLookupError/notAnID(_:kind:)`` for characters no id has (ids are hex digits
    ///   and `-`), ``IDLookupError/tooShort(_:kind:)`` for fewer than ``minimumLength`` of them.
    public init(_ typed: String, kind: Kind) throws(IDLookupError) {
        let text = typed.trimmingCharacters(in: .whitespaces).lowercased()
        guard !text.isEmpty, text.unicodeScalars.allSatisfy(Self.isIDCharacter) else {
            throw .notAnID(typed, kind: kind)
        }
        guard text.count >= Self.minimumLength else { throw .tooShort(text, kind: kind) }
        self.kind = kind
        self.text = text
    }

    /// The one record among `records` whose id starts with this prefix, in any case.
    /// - Parameters:
    ///   - records: The records to choose from.
    ///   - id: A record's id as text.
    /// - Throws: ``IDLookupError/ambiguous(_:kind:matches:)`` when several do (their ids in lower
    ///   case), ``IDLookupError/noMatch(_:kind:)`` when none does.
    public func match<Record>(_ records: some Sequence<Record>, id: (Record) -> String) throws(IDLookupError) -> Record {
        let matches = records.filter { id($0).lowercased().hasPrefix(text) }
        switch matches.count {
        case 1: return matches[0]
        case 0: throw .noMatch(text, kind: kind)
        default: throw .ambiguous(text, kind: kind, matches: matches.map { id($0).lowercased() }.sorted())
        }
    }

    public var description: String { text }

    private static func isIDCharacter(_ scalar: Unicode.Scalar) -> Bool {
        ("0"..."9").contains(scalar) || ("a"..."f").contains(scalar) || scalar == "-"
    }
}
