import Foundation

/// Checks a form read from YAML: names, choice lists, keys that do not fit a type, defaults,
/// expressions and their references, and cycles among calculations.
struct FormChecker {
    let form: FormDefinition
    var faults: [String] = []

    /// Questions and groups by name (the first of a repeated name).
    private(set) var questions: [String: Question] = [:]
    private var groups: [String: QuestionGroup] = [:]

    init(_ form: FormDefinition) {
        self.form = form
        for question in form.questions where questions[question.name] == nil { questions[question.name] = question }
        for group in form.groups where groups[group.name] == nil { groups[group.name] = group }
    }

    mutating func check() -> [String] {
        checkNames()
        for question in form.questions {
            checkShape(question)
            checkExpression(question.relevant, field: "relevant", owner: .question(question))
            checkExpression(question.constraint, field: "constraint", owner: .question(question))
            if question.type == .calculate {
                checkExpression(question.calculate, field: "calculate", owner: .question(question))
            }
            checkChoiceFilter(question)
        }
        for group in form.groups {
            checkExpression(group.relevant, field: "relevant", owner: .group(group))
        }
        checkTextReferences()
        checkCycles()
        checkConsent()
        checkReplacedChoices()
        checkChoiceColumns()
        checkFollowUps()
        checkRetention()
        return faults
    }

    // MARK: Choice filters

    /// A `choice_filter` belongs on a select; its expression is checked with the others.
    private mutating func checkChoiceFilter(_ question: Question) {
        guard question.choiceFilter != nil else { return }
        guard Self.isSelect(question.type) else {
            faults.append("Question '\(question.name)' has a choice_filter, but only a select_one or select_multiple question may have one.")
            return
        }
        checkExpression(question.choiceFilter, field: "choice_filter", owner: .question(question))
    }

    /// A choice's extra key is a column for a `choice_filter`: one that no filter of the list's
    /// questions reads is most likely a mistyped key.
    private mutating func checkChoiceColumns() {
        var read: [String: Set<String>] = [:]
        // A list one of whose filters cannot be parsed is not judged: that fault is reported.
        var unparsed: Set<String> = []
        for question in form.questions {
            guard let list = Self.choiceList(question.type), let source = question.choiceFilter else { continue }
            guard let filter = try? FormExpression.parse(source, choiceProperties: true) else {
                unparsed.insert(list)
                continue
            }
            read[list, default: []].formUnion(filter.properties.map(\.name))
        }
        for (list, choices) in form.choiceLists.sorted(by: { $0.key < $1.key }) where !unparsed.contains(list) {
            let columns = Set(choices.flatMap(\.properties.keys)).subtracting(read[list] ?? [])
            for column in columns.sorted() {
                faults.append(
                    "Choice list '\(list)' has a choice with unknown key '\(column)'; a choice takes name, label, replaces and the columns a choice_filter of its questions reads."
                )
            }
        }
    }

    /// The choice list a select question takes its choices from.
    static func choiceList(_ type: QuestionType) -> String? {
        switch type {
        case .selectOne(let list), .selectMultiple(let list): list
        default: nil
        }
    }

    // MARK: Answers shown in text

    /// `${name}` in a label or hint shows that question's answer: it must name a question.
    private mutating func checkTextReferences() {
        let texts: [(String, String, LocalizedText?)] = form.questions.flatMap { question in
            [("Question '\(question.name)'", "label", question.localizedLabel), ("Question '\(question.name)'", "hint", question.localizedHint)]
        } + form.groups.flatMap { group in
            [("Group '\(group.name)'", "label", group.localizedLabel), ("Group '\(group.name)'", "hint", group.localizedHint)]
        }
        for (who, field, text) in texts {
            for name in text?.references ?? [] where questions[name] == nil {
                faults.append("\(who) shows ${\(name)} in its \(field), but there is no question '\(name)'.")
            }
        }
    }

    // MARK: Replaced choices

    /// A multi-select counts every choice a resident ticked: a choice that replaced two older ones
    /// would count a resident who ticked both twice.
    private mutating func checkReplacedChoices() {
        var reported: Set<String> = []
        for question in form.questions {
            guard case .selectMultiple = question.type else { continue }
            for choice in question.choices where choice.replaces.count > 1 && reported.insert(choice.name).inserted {
                faults.append(
                    "Choice '\(choice.name)' replaces \(choice.replaces.count) choices but question '\(question.name)' is a select_multiple, which would count a resident who ticked both twice; a choice of a multi-select can replace one."
                )
            }
        }
    }

    // MARK: Consent

    /// The form's `consent` must name a `select_one` question with a choice `yes`.
    private mutating func checkConsent() {
        guard let name = form.consent else { return }
        let rule = "name a select_one question with a choice 'yes'"
        guard let question = questions[name] else {
            let kind = groups[name] != nil ? "is a group, not a question" : "is not a question of the form"
            faults.append("The form's consent '\(name)' \(kind); \(rule).")
            return
        }
        guard case .selectOne = question.type else {
            faults.append("The form's consent '\(name)' is not a select_one question; \(rule).")
            return
        }
        if !question.choices.isEmpty, !question.choices.contains(where: { $0.name == "yes" }) {
            faults.append("The form's consent '\(name)' has no choice 'yes' to record consent; \(rule).")
        }
    }

    // MARK: Names

    private mutating func checkNames() {
        var seen: Set<String> = []
        var reported: Set<String> = []
        let names = form.groups.map { ($0.name, "Group") } + form.questions.map { ($0.name, "Question") }
        for (name, kind) in names {
            if !FormNames.isValid(name) {
                faults.append(
                    "\(kind) name '\(name)' must be letters, digits and '_', starting with a letter (such as \(Self.suggestedName(name)))."
                )
            }
            if !seen.insert(name).inserted, reported.insert(name).inserted {
                faults.append("The name '\(name)' is used by more than one question or group; each name must be unique.")
            }
        }
    }

    /// A snake_case version of a name, for the message.
    static func suggestedName(_ name: String) -> String {
        var result = ""
        for scalar in name.lowercased().unicodeScalars {
            if scalar.isASCIILetter || ("0"..."9").contains(scalar) {
                result.unicodeScalars.append(scalar)
            } else if !result.hasSuffix("_") {
                result.append("_")
            }
        }
        result = String(result.drop { $0 == "_" })
        while result.hasSuffix("_") { result.removeLast() }
        if result.isEmpty { return "question_1" }
        return result.first?.isASCIIDigit == true ? "q_" + result : result
    }

    // MARK: Keys that must fit the type

    private mutating func checkShape(_ question: Question) {
        let who = "Question '\(question.name)'"
        switch question.type {
        case .note, .calculate:
            let kind = question.type == .note ? "a note" : "a calculation"
            if question.required { faults.append("\(who) is \(kind) and cannot be required.") }
            if question.constraint != nil { faults.append("\(who) is \(kind) and cannot have a constraint.") }
            if question.defaultValue != nil { faults.append("\(who) is \(kind) and cannot have a default.") }
            if question.type == .note {
                if question.label.isEmpty { faults.append("\(who) is a note with no label.") }
                if question.safeguarding { faults.append("\(who) is a note and cannot flag safeguarding; mark the question that records it.") }
                if question.sensitive { faults.append("\(who) is a note and holds no personal data, so it cannot be sensitive.") }
                if question.onWithdrawal != nil { faults.append("\(who) is a note and holds no answer, so it cannot have on_withdrawal.") }
            } else if question.calculate == nil {
                faults.append("\(who) is a calculation with no calculate expression.")
            }
        case .selectOne(let list), .selectMultiple(let list):
            if form.choiceLists[list] == nil {
                faults.append("\(who) uses choice list '\(list)', which is not defined under choices.")
            }
            fallthrough
        default:
            if question.label.isEmpty { faults.append("\(who) has no label.") }
            if question.calculate != nil {
                faults.append("\(who) has a calculate, but only a question of type calculate may have one.")
            }
            if let text = question.defaultValue, !question.choices.isEmpty || !Self.isSelect(question.type),
                case .failure(let problem) = AnswerValidator.coerce(text, for: question, today: "2000-01-01")
            {
                faults.append("\(who) has default '\(text)', which is not a valid answer: \(problem.message)")
            }
        }
        if question.constraintMessage != nil, question.constraint == nil {
            faults.append("\(who) has a constraint_message but no constraint.")
        }
        if question.localizedRequiredMessage != nil, !question.required {
            faults.append("\(who) has a required_message but is not required.")
        }
    }

    static func isSelect(_ type: QuestionType) -> Bool {
        switch type {
        case .selectOne, .selectMultiple: true
        default: false
        }
    }

    // MARK: Expressions

    private enum Owner {
        case question(Question)
        case group(QuestionGroup)

        var who: String {
            switch self {
            case .question(let question): "Question '\(question.name)'"
            case .group(let group): "Group '\(group.name)'"
            }
        }
    }

    private mutating func checkExpression(_ source: String?, field: String, owner: Owner) {
        guard let source else { return }
        let who = owner.who
        let expression: FormExpression
        do {
            expression = try FormExpression.parse(source, choiceProperties: field == "choice_filter")
        } catch {
            faults.append("\(who) has a bad \(field) '\(source)': at column \(error.column), \(error.message).")
            return
        }
        if field != "constraint", let column = expression.currentColumns.first {
            faults.append(
                "\(who) uses '.' in its \(field) (column \(column)); '.' is the question's own answer and belongs only in a constraint."
            )
        }
        for (name, column) in expression.references {
            let place = "\(who) refers to ${\(name)} in its \(field) (column \(column))"
            if let referenced = questions[name] {
                if referenced.type == .note {
                    faults.append("\(place), but '\(name)' is a note, which holds no answer.")
                }
                switch owner {
                case .question(let question) where field == "relevant" && question.name == name:
                    faults.append("\(place); a question cannot decide from its own answer whether it is asked.")
                case .question(let question) where field == "choice_filter" && question.name == name:
                    faults.append("\(place); a question's choices cannot depend on its own answer.")
                case .group(let group) where field == "relevant" && isInside(referenced, group: group.name):
                    faults.append("\(place), but '\(name)' is inside the group, so it cannot decide whether the group is asked.")
                default:
                    break
                }
            } else if groups[name] != nil {
                faults.append("\(place), but '\(name)' is a group, not a question.")
            } else {
                faults.append("\(place), but there is no question '\(name)'.")
            }
        }
        if case .question(let question) = owner, let list = Self.choiceList(question.type) {
            for (column, at) in expression.properties
            where column != "name" && !question.choices.contains(where: { $0.properties[column] != nil }) {
                faults.append(
                    "\(who) reads the column '\(column)' in its \(field) (column \(at)), but no choice of list '\(list)' has it."
                )
            }
        }
        for node in expression.allNodes {
            checkChoiceLiteral(node, field: field, owner: owner)
            if case .call(.regex, let arguments, let column) = node, case .string(let pattern) = arguments[1], !pattern.isEmpty,
                (try? NSRegularExpression(pattern: pattern)) == nil
            {
                faults.append("\(who) has regex pattern '\(pattern)' in its \(field) (column \(column)), which is not a valid regular expression.")
            }
            if case .call(.choiceName, let arguments, let column) = node {
                checkChoiceName(arguments[1], column: column, field: field, who: who)
            }
        }
    }

    /// `jr:choice-name(value, '${q}')`: the second argument names, as text, a question with choices.
    private mutating func checkChoiceName(_ argument: FormExpression, column: Int, field: String, who: String) {
        let start = "\(who) calls jr:choice-name() in its \(field) (column \(column)), but"
        guard case .string(let text) = argument else {
            faults.append("\(start) its second argument must be the question written as text, such as '${safe}'.")
            return
        }
        let reference = text.trimmingWhitespace()
        let name = reference.hasPrefix("${") && reference.hasSuffix("}") ? String(reference.dropFirst(2).dropLast()) : reference
        guard let question = questions[name] else {
            faults.append("\(start) '\(text)' names no question.")
            return
        }
        if question.choices.isEmpty {
            faults.append("\(start) \(name) has no choices.")
        }
    }

    /// `${q} = 'x'`, `'x' != ${q}`, `selected(${q}, 'x')`: `x` must be a choice of the select `q`.
    private mutating func checkChoiceLiteral(_ node: FormExpression, field: String, owner: Owner) {
        let pairs: [(FormExpression, String, Int)]
        switch node {
        case .binary(.equal, let left, .string(let text), let column), .binary(.notEqual, let left, .string(let text), let column),
            .binary(.equal, .string(let text), let left, let column), .binary(.notEqual, .string(let text), let left, let column):
            pairs = [(left, text, column)]
        case .call(.selected, let arguments, let column):
            guard case .string(let text) = arguments[1] else { return }
            pairs = [(arguments[0], text, column)]
        default:
            return
        }
        for (subject, text, column) in pairs {
            let question: Question?
            switch (subject, owner) {
            case (.reference(let name, _), _): question = questions[name]
            case (.current, .question(let own)): question = own
            default: question = nil
            }
            guard let question, Self.isSelect(question.type), !question.choices.isEmpty else { continue }
            // A multi-select's whole answer may be several names: only selected() names one.
            if Self.isMultiple(question.type), !node.isSelectedCall { continue }
            let name = node.isSelectedCall ? text.trimmingWhitespace() : text
            if !name.isEmpty, !question.choices.contains(where: { $0.name == name }) {
                faults.append(
                    "\(owner.who) compares \(question.name) with '\(name)' in its \(field) (column \(column)), but '\(name)' is not a choice of \(question.name)."
                )
            }
        }
    }

    static func isMultiple(_ type: QuestionType) -> Bool {
        if case .selectMultiple = type { return true }
        return false
    }

    private func isInside(_ question: Question, group: String) -> Bool {
        var current = question.group
        var seen: Set<String> = []
        while let name = current, seen.insert(name).inserted {
            if name == group { return true }
            current = groups[name]?.parent
        }
        return false
    }

    // MARK: Cycles

    private mutating func checkCycles() {
        var edges: [String: [String]] = [:]
        var order: [String] = []
        for question in form.questions where question.type == .calculate {
            guard let source = question.calculate, let expression = try? FormExpression.parse(source) else { continue }
            order.append(question.name)
            var targets: [String] = []
            for reference in expression.references
            where questions[reference.name]?.type == .calculate && !targets.contains(reference.name) {
                targets.append(reference.name)
            }
            edges[question.name] = targets
        }
        var done: Set<String> = []
        var reported: Set<Set<String>> = []
        var stack: [String] = []
        func visit(_ name: String) {
            if let start = stack.firstIndex(of: name) {
                let cycle = Array(stack[start...])
                if reported.insert(Set(cycle)).inserted {
                    let path = (cycle + [name]).joined(separator: " → ")
                    faults.append("Question '\(cycle[0])' is part of a cycle of calculations: \(path).")
                }
                return
            }
            guard !done.contains(name) else { return }
            stack.append(name)
            for target in edges[name] ?? [] { visit(target) }
            stack.removeLast()
            done.insert(name)
        }
        for name in order { visit(name) }
    }
}

extension FormExpression {
    var isSelectedCall: Bool {
        if case .call(.selected, _, _) = self { return true }
        return false
    }
}
