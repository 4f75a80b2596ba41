import Yams

/// Reads the YAML of a form into the model, collecting a fault for every key it cannot use.
///
/// Only the shape is checked here (keys, types, booleans, lists); names, references and
/// expressions are checked afterwards by ``FormChecker`` on the model this produces.
struct FormReader {
    /// The faults found so far, one sentence each.
    var faults: [String] = []
    /// The form's default language, once ``readLanguages(_:)`` has settled it.
    var defaultLanguage: String?
    /// The form's languages, once ``readLanguages(_:)`` has settled them.
    var languages: [FormLanguage] = []
    /// Whether the form lists its languages, so that a text map may use no others.
    var languagesDeclared = false

    static let formKeys: Set<String> = [
        "id", "version", "title", "consent", "default_language", "languages", "questions", "choices",
        "follow_ups", "retention",
    ]
    static let questionKeys: Set<String> = [
        "name", "type", "label", "hint", "required", "required_message", "relevant", "constraint", "constraint_message",
        "choice_filter", "default", "calculate", "sensitive", "on_withdrawal", "safeguarding", "retention",
    ]
    static let groupKeys: Set<String> = ["name", "type", "label", "hint", "relevant", "questions"]
    static let choiceKeys: Set<String> = ["name", "label", "replaces"]

    /// Reads `yaml`; returns nil when it is not a YAML mapping at all.
    mutating func read(_ yaml: String) -> FormDefinition? {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            faults.append(Self.describe(error))
            return nil
        } catch {
            faults.append("The form cannot be read as YAML: \(error).")
            return nil
        }
        guard let root, case .mapping(let mapping) = root else {
            faults.append("The form must be a YAML mapping with id, version, title, questions and choices.")
            return nil
        }
        for key in unknownKeys(mapping, allowed: Self.formKeys) {
            faults.append(
                "The form has unknown key '\(key)'; use id, version, title, consent, default_language, languages, retention, follow_ups, questions and choices."
            )
        }
        let id = text(mapping["id"], key: "id", who: "The form")
        let version = text(mapping["version"], key: "version", who: "The form")
        if id == nil { faults.append("The form has no id.") }
        if version == nil { faults.append("The form has no version.") }
        if let id, !FormNames.isValid(id, allowingHyphen: true) {
            faults.append("The form id '\(id)' must be letters, digits, '_' or '-', starting with a letter.")
        }
        let title = text(mapping["title"], key: "title", who: "The form") ?? id ?? ""
        let consent = text(mapping["consent"], key: "consent", who: "The form")
        readLanguages(mapping)
        let retention = retention(mapping["retention"], who: "The form")
        let followUps = readFollowUps(mapping["follow_ups"])

        let choiceLists = readChoiceLists(mapping["choices"])
        var questions: [Question] = []
        var groups: [QuestionGroup] = []
        if let questionsNode = mapping["questions"] {
            readQuestions(questionsNode, group: nil, into: &questions, groups: &groups, choiceLists: choiceLists)
        }
        if Self.isEmptyList(mapping["questions"]) {
            faults.append("The form has no questions.")
        }
        return FormDefinition(
            id: id ?? "", version: version ?? "", title: title, questions: questions,
            choiceLists: choiceLists, groups: groups, consent: consent, defaultLanguage: defaultLanguage,
            languages: languages, followUps: followUps, retention: retention
        )
    }

    // MARK: Questions

    private mutating func readQuestions(
        _ node: Node, group: String?, into questions: inout [Question], groups: inout [QuestionGroup],
        choiceLists: [String: [Choice]]
    ) {
        guard case .sequence(let sequence) = node else {
            let owner = group.map { "Group '\($0)'" } ?? "The form"
            faults.append("\(owner) must list its questions as a YAML sequence (lines starting with '-')\(Self.at(node)).")
            return
        }
        for item in sequence {
            guard case .mapping(let mapping) = item else {
                faults.append("The question\(Self.at(item)) must be a mapping with name, type and label.")
                continue
            }
            let name = text(mapping["name"], key: "name", who: "The question\(Self.at(item))")
            let who = name.map { "Question '\($0)'" } ?? "The question\(Self.at(item))"
            if name == nil { faults.append("The question\(Self.at(item)) has no name.") }
            guard let typeText = text(mapping["type"], key: "type", who: who) else {
                faults.append("\(who) has no type.")
                continue
            }
            if typeText == "group" {
                readGroup(mapping, name: name, who: who, parent: group, into: &questions, groups: &groups, choiceLists: choiceLists)
                continue
            }
            for key in unknownKeys(mapping, allowed: Self.questionKeys) {
                let hint = key == "questions" ? " (only a question of type group holds questions)" : ""
                faults.append("\(who) has unknown key '\(key)'\(hint).")
            }
            guard let type = questionType(typeText, who: who) else { continue }
            var choices: [Choice] = []
            switch type {
            case .selectOne(let list), .selectMultiple(let list):
                choices = choiceLists[list] ?? []
            default:
                break
            }
            let question = Question(
                name: name ?? "",
                type: type,
                label: localized(mapping["label"], key: "label", who: who) ?? "",
                hint: localized(mapping["hint"], key: "hint", who: who),
                required: flag(mapping["required"], key: "required", who: who),
                relevant: text(mapping["relevant"], key: "relevant", who: who),
                constraint: text(mapping["constraint"], key: "constraint", who: who),
                constraintMessage: localized(mapping["constraint_message"], key: "constraint_message", who: who),
                requiredMessage: localized(mapping["required_message"], key: "required_message", who: who),
                defaultValue: text(mapping["default"], key: "default", who: who),
                calculate: text(mapping["calculate"], key: "calculate", who: who),
                sensitive: flag(mapping["sensitive"], key: "sensitive", who: who),
                onWithdrawal: onWithdrawal(mapping["on_withdrawal"], who: who),
                safeguarding: flag(mapping["safeguarding"], key: "safeguarding", who: who),
                group: group,
                choices: choices,
                choiceFilter: text(mapping["choice_filter"], key: "choice_filter", who: who),
                retention: retention(mapping["retention"], who: who)
            )
            if name != nil { questions.append(question) }
        }
    }

    private mutating func readGroup(
        _ mapping: Node.Mapping, name: String?, who: String, parent: String?,
        into questions: inout [Question], groups: inout [QuestionGroup], choiceLists: [String: [Choice]]
    ) {
        let who = name.map { "Group '\($0)'" } ?? who
        for key in unknownKeys(mapping, allowed: Self.groupKeys) {
            faults.append("\(who) has unknown key '\(key)'; a group takes name, label, hint, relevant and questions.")
        }
        let label = localized(mapping["label"], key: "label", who: who)
        if label == nil { faults.append("\(who) has no label.") }
        if let name {
            groups.append(QuestionGroup(
                name: name, label: label ?? "", hint: localized(mapping["hint"], key: "hint", who: who),
                relevant: text(mapping["relevant"], key: "relevant", who: who), parent: parent
            ))
        }
        if Self.isEmptyList(mapping["questions"]) {
            faults.append("\(who) has no questions.")
        } else if let inner = mapping["questions"] {
            readQuestions(inner, group: name, into: &questions, groups: &groups, choiceLists: choiceLists)
        }
    }

    private mutating func questionType(_ text: String, who: String) -> QuestionType? {
        let words = text.split(whereSeparator: \.isWhitespace).map(String.init)
        switch words.first ?? "" {
        case "text": if words.count == 1 { return .text }
        case "integer": if words.count == 1 { return .integer }
        case "decimal": if words.count == 1 { return .decimal }
        case "date": if words.count == 1 { return .date }
        case "time": if words.count == 1 { return .time }
        case "datetime": if words.count == 1 { return .dateTime }
        case "acknowledge": if words.count == 1 { return .acknowledge }
        case "note": if words.count == 1 { return .note }
        case "calculate": if words.count == 1 { return .calculate }
        case "select_one", "select_multiple":
            let kind = words[0]
            guard words.count == 2 else {
                if words.count == 1 {
                    faults.append("\(who) is a \(kind) with no choice list; write 'type: \(kind) LIST'.")
                } else {
                    faults.append("\(who) has type '\(text)'; write 'type: \(kind) LIST' with one list name.")
                }
                return nil
            }
            return kind == "select_one" ? .selectOne(list: words[1]) : .selectMultiple(list: words[1])
        default:
            break
        }
        faults.append(
            "\(who) has unknown type '\(text)'; use text, integer, decimal, date, time, datetime, select_one LIST, "
                + "select_multiple LIST, acknowledge, note, calculate or group."
        )
        return nil
    }

    // MARK: Choices

    private mutating func readChoiceLists(_ node: Node?) -> [String: [Choice]] {
        guard let node, !Self.isNull(node) else { return [:] }
        guard case .mapping(let mapping) = node else {
            faults.append("The form's choices must be a mapping from list name to its choices\(Self.at(node)).")
            return [:]
        }
        var lists: [String: [Choice]] = [:]
        for (keyNode, listNode) in mapping {
            guard let list = text(keyNode, key: "choices", who: "The form") else { continue }
            if !FormNames.isValid(list) {
                faults.append("Choice list '\(list)' must be named with letters, digits and '_', starting with a letter.")
            }
            guard case .sequence(let sequence) = listNode, !sequence.isEmpty else {
                faults.append("Choice list '\(list)' has no choices; list them as '- name: ...' with a label each.")
                lists[list] = []
                continue
            }
            var choices: [Choice] = []
            var seen: Set<String> = []
            for item in sequence {
                guard case .mapping(let choiceMapping) = item else {
                    faults.append("Choice list '\(list)' has an entry\(Self.at(item)) that is not a mapping with name and label.")
                    continue
                }
                guard let name = text(choiceMapping["name"], key: "name", who: "Choice list '\(list)'") else {
                    faults.append("Choice list '\(list)' has a choice\(Self.at(item)) with no name.")
                    continue
                }
                if name.contains(where: \.isWhitespace) {
                    faults.append("Choice '\(name)' of list '\(list)' has a space in its name; use '_' instead.")
                }
                if !seen.insert(name).inserted {
                    faults.append("Choice list '\(list)' has the choice '\(name)' twice.")
                    continue
                }
                let label = localized(choiceMapping["label"], key: "label", who: "Choice '\(name)' of list '\(list)'")
                if label == nil { faults.append("Choice '\(name)' of list '\(list)' has no label.") }
                var replaces: [String] = []
                if let node = choiceMapping["replaces"] {
                    let names: [Node]
                    if case .sequence(let sequence) = node { names = Array(sequence) } else { names = [node] }
                    for old in names {
                        guard let old = text(old, key: "replaces", who: "Choice '\(name)' of list '\(list)'") else { continue }
                        if old == name || replaces.contains(old) {
                            faults.append("Choice '\(name)' of list '\(list)' names '\(old)' in replaces twice or replaces itself.")
                        } else {
                            replaces.append(old)
                        }
                    }
                }
                var properties: [String: String] = [:]
                for key in unknownKeys(choiceMapping, allowed: Self.choiceKeys) {
                    properties[key] = text(choiceMapping[key], key: key, who: "Choice '\(name)' of list '\(list)'")
                }
                choices.append(Choice(name: name, label: label ?? LocalizedText(name), replaces: replaces, properties: properties))
            }
            var replacedBy: [String: String] = [:]
            for choice in choices {
                for old in choice.replaces {
                    if seen.contains(old) {
                        faults.append("Choice '\(choice.name)' of list '\(list)' replaces '\(old)', which is still a choice of the list.")
                    } else if let other = replacedBy.updateValue(choice.name, forKey: old) {
                        faults.append("Choices '\(other)' and '\(choice.name)' of list '\(list)' both replace '\(old)'; an old answer can be counted as one choice only.")
                    }
                }
            }
            lists[list] = choices
        }
        return lists
    }

    // MARK: Scalars

    /// A scalar's text as written (so `version: 3` is "3"), or nil when absent or null.
    mutating func text(_ node: Node?, key: String, who: String) -> String? {
        guard let node, !Self.isNull(node) else { return nil }
        guard case .scalar(let scalar) = node else {
            faults.append("\(who) has a list or mapping for '\(key)'\(Self.at(node)); write a single value.")
            return nil
        }
        let value = scalar.string.trimmingWhitespace()
        return value.isEmpty ? nil : value
    }

    mutating func retention(_ node: Node?, who: String) -> RetentionPeriod? {
        guard let raw = text(node, key: "retention", who: who) else { return nil }
        guard let period = RetentionPeriod(raw) else {
            faults.append("\(who) has retention '\(raw)'; write \(RetentionPeriod.rule).")
            return nil
        }
        return period
    }

    private mutating func flag(_ node: Node?, key: String, who: String) -> Bool {
        guard let raw = text(node, key: key, who: who) else { return false }
        switch raw.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            faults.append("\(who) has \(key) '\(raw)'; use true or false.")
            return false
        }
    }

    private mutating func onWithdrawal(_ node: Node?, who: String) -> OnWithdrawal? {
        guard let raw = text(node, key: "on_withdrawal", who: who) else { return nil }
        guard let value = OnWithdrawal(rawValue: raw) else {
            faults.append("\(who) has on_withdrawal '\(raw)'; use erase or keep.")
            return nil
        }
        return value
    }

    func unknownKeys(_ mapping: Node.Mapping, allowed: Set<String>) -> [String] {
        mapping.keys.compactMap { key in
            let name = key.scalar?.string ?? "?"
            return allowed.contains(name) ? nil : name
        }
    }

    /// Whether a `questions` key is missing, null or an empty sequence.
    static func isEmptyList(_ node: Node?) -> Bool {
        guard let node, !isNull(node) else { return true }
        return node.sequence?.isEmpty ?? false
    }

    static func isNull(_ node: Node) -> Bool {
        if case .scalar(let scalar) = node {
            return scalar.style == .plain || scalar.style == .any ? ["", "~", "null", "Null", "NULL"].contains(scalar.string) : false
        }
        return false
    }

    /// " (line N)" for a node that knows where it is.
    static func at(_ node: Node) -> String {
        node.mark.map { " (line \($0.line))" } ?? ""
    }

    static func describe(_ error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            return "The form is not valid YAML at line \(mark.line), column \(mark.column): \(problem)."
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return "The form repeats the key \(keys) in one mapping (line \(context.mark.line))."
        case .reader(let problem, _, _, _):
            return "The form cannot be read as text: \(problem)."
        default:
            return "The form cannot be read as YAML: \(error)."
        }
    }
}

/// The rules for names in a form.
enum FormNames {
    /// Letters, digits and `_` (and `-` where allowed), starting with a letter or `_`.
    static func isValid(_ name: String, allowingHyphen: Bool = false) -> Bool {
        guard let first = name.unicodeScalars.first, first.isASCIILetter || first == "_" else { return false }
        return name.unicodeScalars.allSatisfy { scalar in
            scalar.isASCIILetter || ("0"..."9").contains(scalar) || scalar == "_" || (allowingHyphen && scalar == "-")
        }
    }
}

extension Unicode.Scalar {
    var isASCIILetter: Bool {
        ("a"..."z").contains(self) || ("A"..."Z").contains(self)
    }
}
