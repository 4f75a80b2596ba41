/// A language a form is written in: the code its text maps use (`cy`) and, if the form gives
/// one, its name in that language (`Cymraeg`).
public struct FormLanguage: Sendable, Hashable, CustomStringConvertible {
    /// The code, as the keys of a form's text maps spell it: `en`, `cy`, `pa-Guru`.
    public var code: String
    /// The language's name, for people choosing one; `nil` when the form names it by code only.
    public var name: String?

    /// Creates a language from its code and name.
    public init(code: String, name: String? = nil) {
        self.code = code
        self.name = name
    }

    /// `Cymraeg (cy)`, or the code alone when the language has no name.
    public var description: String {
        name.map { "\($0) (\(code))" } ?? code
    }

    /// Whether `code` can name a language: letters, digits, `-` and `_`, starting with a letter
    /// (BCP 47 codes such as `en`, `cy`, `pt-BR`, `pa-Guru`).
    public static func isValidCode(_ code: String) -> Bool {
        guard let first = code.unicodeScalars.first, first.isASCIILetter else { return false }
        return code.unicodeScalars.allSatisfy { $0.isASCIILetter || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }
    }
}
