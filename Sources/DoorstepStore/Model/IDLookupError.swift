/// Why a typed id names no single record. Each case reads as one sentence.
public enum IDLookupError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The text holds characters no id has.
    case notAnID(String, kind: IDPrefix.Kind)
    /// Fewer than ``IDPrefix/minimumLength`` characters.
    case tooShort(String, kind: IDPrefix.Kind)
    /// Several records start with the prefix; `matches` are their ids.
    case ambiguous(String, kind: IDPrefix.Kind, matches: [String])
    /// No record starts with the prefix.
    case noMatch(String, kind: IDPrefix.Kind)

    public var description: String {
        switch self {
        case .notAnID(let text, let kind):
            "'\(text)' is not \(kind.article) \(kind.rawValue) id."
        case .tooShort(let text, let kind):
            "'\(text)' is too short for \(kind.article) \(kind.rawValue) id; type at least "
                + "\(IDPrefix.minimumLength) of its characters."
        case .ambiguous(let text, let kind, let matches):
            "'\(text)' matches \(matches.count) \(kind.rawValue)s: \(matches.joined(separator: ", ")); "
                + "type more of the id you mean."
        case .noMatch(let text, .conflict):
            "There is no open conflict \(text); see doorstep conflicts."
        case .noMatch(let text, let kind):
            "There is no \(kind.rawValue) \(text) on this laptop."
        }
    }
}

extension IDPrefix.Kind {
    /// "a" or "an", for sentences.
    var article: String { self == .operation ? "an" : "a" }
}
