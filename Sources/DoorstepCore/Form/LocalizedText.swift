import Foundation

/// Text a form's author wrote for people to read — a label, a hint, a constraint message, a
/// choice's label — in the form's default language and, where the author gave them, in others.
///
/// In YAML it is a plain string, which is the default language, or a map from language code to
/// text (`label: {en: "How safe…", cy: "Pa mor ddiogel…"}`); see ``FormDefinition/languages``.
/// Only what people read changes with the language: question names, choice names and stored
/// answers never do.
public struct LocalizedText: Sendable, Hashable, ExpressibleByStringLiteral {
    /// The text in the form's default language.
    public var text: String
    /// The text in the form's other languages, by language code (`cy`).
    public var translations: [String: String]

    /// Creates text in the default language, with its translations.
    /// - Parameters:
    ///   - text: The text in the form's default language.
    ///   - translations: The text in other languages, by language code.
    public init(_ text: String, translations: [String: String] = [:]) {
        self.text = text
        self.translations = translations
    }

    /// Text in the default language only, written as a literal.
    public init(stringLiteral value: String) {
        self.init(value)
    }

    /// The text in `language`: its translation, or the default language's text when `language`
    /// is `nil`, is the default language or has no translation here.
    public func text(in language: String?) -> String {
        guard let language, let translated = translations[language] else { return text }
        return translated
    }

    /// Whether the text in the default language is empty.
    public var isEmpty: Bool { text.isEmpty }

    /// The question names its `${name}` references give, in any language, in order, once each:
    /// a label may show an answer, as XLSForm's `18% tip is ${tip}`.
    public var references: [String] {
        var names: [String] = []
        for text in [text] + translations.keys.sorted().compactMap({ translations[$0] }) {
            _ = Self.filling(text) { name in
                if !names.contains(name) { names.append(name) }
                return nil
            }
        }
        return names
    }

    /// `text` with each `${name}` replaced by `value(name)`; a reference `value` gives `nil` for
    /// stays as written.
    public static func filling(_ text: String, with value: (String) -> String?) -> String {
        var out = ""
        var rest = Substring(text)
        while let start = rest.range(of: "${") {
            let after = rest[start.upperBound...]
            guard let end = after.firstIndex(of: "}") else { break }
            out += rest[..<start.lowerBound]
            let name = String(after[..<end])
            let whole = rest[start.lowerBound...end]
            out += FormNames.isValid(name) ? value(name) ?? String(whole) : String(whole)
            rest = after[after.index(after: end)...]
        }
        return out + rest
    }
}
