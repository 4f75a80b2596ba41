public import DoorstepCore

/// One version of a form as the store keeps it: the YAML source and when it arrived.
public struct StoredForm: Sendable, Hashable {
    /// The form's id.
    public var id: String
    /// The version.
    public var version: String
    /// The title officers see.
    public var title: String
    /// The YAML the form was parsed from.
    public var source: String
    /// When this laptop received the version, ISO 8601.
    public var addedAt: String

    /// Parses the stored source again into a form.
    ///
    /// - Throws: ``ClientStoreError/corrupt(_:)`` if the stored source no longer parses.
    public func definition() throws(ClientStoreError) -> FormDefinition {
        do {
            return try FormDefinition.parse(yaml: source)
        } catch {
            throw ClientStoreError.corrupt("form \(id) version \(version) (\(error.description))")
        }
    }
}

/// The result of adding a form version.
public enum FormAddOutcome: Sendable, Hashable {
    /// The version is new on this laptop.
    case added
    /// The same version with the same source was already there; nothing changed.
    case alreadyPresent
}

/// How form versions are ordered: by their runs of digits as numbers and other runs as text, so
/// `2` comes before `10` and `2025-03-01` before `2025-11-01`.
public enum FormVersionOrder {
    /// Whether version `lhs` comes before version `rhs`.
    public static func precedes(_ lhs: String, _ rhs: String) -> Bool {
        let left = runs(lhs), right = runs(rhs)
        for (a, b) in zip(left, right) where a != b {
            switch (a, b) {
            case (.number(let x), .number(let y)): return x.count != y.count ? x.count < y.count : x < y
            case (.number, .text): return true
            case (.text, .number): return false
            case (.text(let x), .text(let y)): return x < y
            }
        }
        return left.count != right.count ? left.count < right.count : lhs < rhs
    }

    private enum Run: Equatable {
        /// Digits without leading zeros, compared by length then text.
        case number(String)
        case text(String)
    }

    private static func runs(_ version: String) -> [Run] {
        var result: [Run] = []
        var current = ""
        var inDigits = false
        func flush() {
            guard !current.isEmpty else { return }
            if inDigits {
                let trimmed = current.drop { $0 == "0" }
                result.append(.number(trimmed.isEmpty ? "0" : String(trimmed)))
            } else {
                result.append(.text(current))
            }
            current = ""
        }
        for character in version {
            let digit = character.isASCII && character.isNumber
            if digit != inDigits { flush(); inDigits = digit }
            current.append(character)
        }
        flush()
        return result
    }
}
