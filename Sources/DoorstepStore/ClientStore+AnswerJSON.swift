import DoorstepCore

extension ClientStore {
    /// The stored JSON text of an answer, exactly as ``json(_:)`` writes it, without a `JSONEncoder`
    /// for the common values: a pull writes millions of answers, and an encoder per answer cost
    /// seconds of a 100,000-response pull.
    ///
    /// Strings that need no escape, whole numbers and lists of such strings are written here; the
    /// rest (escapes, decimals) go through ``json(_:)``, so the text is the same either way.
    static func answerJSON(_ value: AnswerValue) throws -> String {
        switch value {
        case .text(let text) where isPlain(text):
            return "\"" + text + "\""
        case .integer(let int):
            return String(int)
        case .list(let list) where list.allSatisfy(isPlain):
            var out = "["
            for (index, choice) in list.enumerated() {
                if index > 0 { out += "," }
                out += "\"" + choice + "\""
            }
            return out + "]"
        default:
            return try json(value)
        }
    }

    /// Whether `JSONEncoder` writes `text` as it is between quotes: no quote, backslash or control character.
    private static func isPlain(_ text: String) -> Bool {
        !text.utf8.contains { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }
    }
}
