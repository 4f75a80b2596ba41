import Yams

/// The languages of a form: `default_language`, `languages`, and text written as a map from
/// language code to text.
extension FormReader {
    /// The keys whose value people read, so that it may be a map by language.
    static let localizedKeys: Set<String> = ["label", "hint", "constraint_message", "required_message"]
    static let languageKeys: Set<String> = ["code", "name"]

    /// Settles the form's default language and its languages, from `default_language` and
    /// `languages` where the form gives them, else from the codes its text maps use.
    mutating func readLanguages(_ mapping: Node.Mapping) {
        let declaredDefault = text(mapping["default_language"], key: "default_language", who: "The form")
        if let code = declaredDefault, !FormLanguage.isValidCode(code) {
            faults.append("The form's default_language '\(code)' must be a language code such as en or cy.")
        }
        if let node = mapping["languages"], !Self.isNull(node) {
            languagesDeclared = true
            languages = readLanguageList(node)
            if let code = declaredDefault, !languages.contains(where: { $0.code == code }) {
                faults.append("The form's default_language '\(code)' is not one of its languages (\(Self.codes(languages))).")
            }
            defaultLanguage = declaredDefault ?? languages.first?.code
        } else {
            var codes: [String] = declaredDefault.map { [$0] } ?? []
            for code in Self.languageCodes(in: .mapping(mapping)) where !codes.contains(code) { codes.append(code) }
            languages = codes.map { FormLanguage(code: $0) }
            defaultLanguage = codes.first
        }
    }

    /// `languages:`: a list of `{code, name}` mappings, or of codes alone.
    private mutating func readLanguageList(_ node: Node) -> [FormLanguage] {
        guard case .sequence(let sequence) = node, !sequence.isEmpty else {
            faults.append("The form's languages must be a list such as '- {code: cy, name: Cymraeg}'\(Self.at(node)).")
            return []
        }
        var result: [FormLanguage] = []
        for item in sequence {
            let language: FormLanguage
            if case .mapping(let entry) = item {
                for key in unknownKeys(entry, allowed: Self.languageKeys) {
                    faults.append("The form's languages have an entry with unknown key '\(key)'; a language takes code and name.")
                }
                guard let code = text(entry["code"], key: "code", who: "A language of the form") else {
                    faults.append("The form's languages have an entry\(Self.at(item)) with no code.")
                    continue
                }
                language = FormLanguage(code: code, name: text(entry["name"], key: "name", who: "Language '\(code)'"))
            } else if let code = text(item, key: "languages", who: "The form") {
                language = FormLanguage(code: code)
            } else {
                continue
            }
            if !FormLanguage.isValidCode(language.code) {
                faults.append("The form's language '\(language.code)' must be a language code such as en or cy.")
            } else if result.contains(where: { $0.code == language.code }) {
                faults.append("The form lists the language '\(language.code)' twice.")
            } else {
                result.append(language)
            }
        }
        return result
    }

    /// Text people read: a plain string (the default language) or a map by language code.
    ///
    /// A language left out, or given empty text, falls back to the default language's text;
    /// the default language itself must be there.
    mutating func localized(_ node: Node?, key: String, who: String) -> LocalizedText? {
        guard let node, !Self.isNull(node) else { return nil }
        guard case .mapping(let mapping) = node else { return text(node, key: key, who: who).map { LocalizedText($0) } }
        var texts: [(code: String, text: String)] = []
        for (codeNode, textNode) in mapping {
            let code = codeNode.scalar?.string ?? "?"
            guard FormLanguage.isValidCode(code) else {
                faults.append("\(who) has a \(key) in '\(code)', which is not a language code such as en or cy.")
                continue
            }
            if languagesDeclared, !languages.contains(where: { $0.code == code }) {
                faults.append("\(who) has a \(key) in '\(code)', which is not one of the form's languages (\(Self.codes(languages))).")
                continue
            }
            if let value = text(textNode, key: "\(key) in \(code)", who: who) { texts.append((code, value)) }
        }
        guard let first = texts.first else { return nil }
        var translations: [String: String] = [:]
        for (code, text) in texts where code != defaultLanguage { translations[code] = text }
        guard let defaultText = texts.first(where: { $0.code == defaultLanguage })?.text else {
            let language = defaultLanguage.map { code in languages.first { $0.code == code }?.description ?? code } ?? "?"
            faults.append("\(who) has no \(key) in \(language), the form's default language.")
            // The fault is reported; standing in another language's text keeps it from being
            // reported a second time as a missing label.
            return LocalizedText(first.text, translations: translations)
        }
        return LocalizedText(defaultText, translations: translations)
    }

    /// The codes the form's text maps use, in the order they first appear.
    static func languageCodes(in node: Node) -> [String] {
        var codes: [String] = []
        func visit(_ node: Node) {
            switch node {
            case .mapping(let mapping):
                for (key, value) in mapping {
                    if let name = key.scalar?.string, localizedKeys.contains(name), case .mapping(let texts) = value {
                        for code in texts.keys.compactMap(\.scalar?.string)
                        where FormLanguage.isValidCode(code) && !codes.contains(code) {
                            codes.append(code)
                        }
                    } else {
                        visit(value)
                    }
                }
            case .sequence(let sequence):
                sequence.forEach(visit)
            default:
                break
            }
        }
        visit(node)
        return codes
    }

    /// `en, cy`.
    static func codes(_ languages: [FormLanguage]) -> String {
        languages.map(\.code).joined(separator: ", ")
    }
}
