/// Shows a form as an officer will see it: sections, numbered questions, hints, numbered
/// choices, required marks and skip logic in words. Pure: `doorstep forms show` prints it.
public enum FormPresenter {
    /// The widest line it writes, except for words longer than that.
    public static let width = 88

    /// The whole form as plain text, one question after another.
    ///
    /// - Parameters:
    ///   - form: A form, usually from ``FormDefinition/parse(yaml:)``.
    ///   - language: The language of labels, hints and messages, one of the form's
    ///     ``FormDefinition/languages``; the default language when `nil`. Text not translated
    ///     into it is shown in the default language.
    /// - Returns: Text ending with a newline.
    public static func render(_ form: FormDefinition, language: String? = nil) -> String {
        var numbers: [String: Int] = [:]
        for question in form.questions where question.type.takesInput && numbers[question.name] == nil {
            numbers[question.name] = numbers.count + 1
        }
        let words = ExpressionWords(form: form, numbers: numbers, language: language)
        var groups: [String: QuestionGroup] = [:]
        for group in form.groups where groups[group.name] == nil { groups[group.name] = group }

        var lines: [String] = []
        lines += wrap(form.title, indent: "")
        lines.append("Form \(form.id), version \(form.version).")
        if !form.languages.isEmpty {
            let names = form.languages.map { language in
                let mark = language.code == form.defaultLanguage ? ", default" : ""
                return language.name.map { "\($0) (\(language.code)\(mark))" } ?? language.code + (mark.isEmpty ? "" : " (default)")
            }
            var line = "Languages: \(names.joined(separator: ", "))."
            if let language, language != form.defaultLanguage {
                line += " Shown in \(form.language(language)?.description ?? language)."
            }
            lines += wrap(line, indent: "")
        }
        lines.append("* required, [personal] personal data, [safeguarding] safeguarding flag.")
        if !form.followUps.isEmpty {
            lines += wrap(
                "[sealed] sealed on the laptop to the agencies the resident chose; only they can read it.", indent: ""
            )
        }
        if let retention = form.retention {
            lines.append("Answers are kept \(retention) unless a question says otherwise.")
        }
        let notes = QuestionNotes(form, numbers: numbers)

        var openGroups: [String] = []
        for question in form.questions {
            let path = groupPath(question.group, groups: groups)
            if path != openGroups {
                let common = zip(path, openGroups).prefix { $0 == $1 }.count
                if common == path.count {
                    // Back in an enclosing section (or outside every section).
                    lines.append("")
                    lines.append(path.isEmpty ? "==" : "== \(title(of: path, groups: groups, language: language)) (continued) ==")
                }
                for depth in common..<path.count {
                    guard let group = groups[path[depth]] else { continue }
                    lines.append("")
                    lines.append("== \(title(of: Array(path[...depth]), groups: groups, language: language)) ==")
                    if let hint = group.localizedHint { lines += wrap(hint.text(in: language), indent: "") }
                    if let relevant = group.relevant {
                        lines += wrap("This section is asked only if \(words.describe(relevant)).", indent: "")
                    }
                }
                openGroups = path
            }
            lines.append("")
            lines += present(question, number: numbers[question.name], words: words, language: language, notes: notes)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func present(
        _ question: Question, number: Int?, words: ExpressionWords, language: String?, notes: QuestionNotes
    ) -> [String] {
        var lines: [String] = []
        let indent = "    "
        switch question.type {
        case .note:
            lines += wrap("Note: \(question.localizedLabel.text(in: language))", indent: indent, first: indent)
        case .calculate:
            lines += wrap(
                "Calculated, not asked: \(question.name) = \(question.calculate ?? "")", indent: indent + "  ", first: indent
            )
        default:
            var marks: [String] = []
            if question.required { marks.append("*") }
            if question.sensitive { marks.append("[personal]") }
            if question.safeguarding { marks.append("[safeguarding]") }
            if notes.sealedBy[question.name] != nil { marks.append("[sealed]") }
            let heading = "\(number.map { "\($0)." } ?? "-") \(question.localizedLabel.text(in: language))\(marks.isEmpty ? "" : " " + marks.joined(separator: " "))"
            let numberWidth = number.map { String($0).count + 2 } ?? 2
            lines += wrap(heading, indent: String(repeating: " ", count: max(4, numberWidth)), first: "")
            lines += wrap("(\(question.name), \(answerKind(question.type)))", indent: indent, first: indent)
            if let hint = question.localizedHint { lines += wrap("Hint: \(hint.text(in: language))", indent: indent + "  ", first: indent) }
            for (offset, choice) in question.choices.enumerated() {
                let agency = notes.agencies[question.name]?[choice.name].map { " → follow-up by \($0)" } ?? ""
                lines += wrap(
                    "\(offset + 1)) \(choice.localizedLabel.text(in: language))\(agency)", indent: indent + "     ", first: indent + "  "
                )
            }
            if let routes = notes.sealedBy[question.name] {
                lines += wrap("Sealed to the agencies chosen in \(routes).", indent: indent + "  ", first: indent)
            }
            if let retention = question.retention {
                lines.append("\(indent)Kept \(retention).")
            }
            if let defaultValue = question.defaultValue {
                lines.append("\(indent)Default: \(defaultValue)")
            }
            if let constraint = question.constraint {
                let rule = question.localizedConstraintMessage?.text(in: language) ?? words.describe(constraint, subject: question.name) + "."
                lines += wrap("Rule: \(rule)", indent: indent + "  ", first: indent)
            }
        }
        if let relevant = question.relevant {
            lines += wrap("Only if \(words.describe(relevant)).", indent: indent + "  ", first: indent)
        }
        return lines
    }

    /// What follow-up routes say about each question, worded for the officer.
    private struct QuestionNotes {
        /// Per routing question: choice name → agency id.
        var agencies: [String: [String: String]] = [:]
        /// Per sealed question: the routing questions it is sealed by, as `Q16` or their names.
        var sealedBy: [String: String] = [:]

        init(_ form: FormDefinition, numbers: [String: Int]) {
            var routing: [String: [String]] = [:]
            for route in form.followUps {
                for (choice, agency) in route.agencies { agencies[route.question, default: [:]][choice] = agency }
                let named = numbers[route.question].map { "Q\($0)" } ?? route.question
                for name in route.sealed where !(routing[name]?.contains(named) ?? false) { routing[name, default: []].append(named) }
            }
            sealedBy = routing.mapValues { $0.joined(separator: " and ") }
        }
    }

    private static func answerKind(_ type: QuestionType) -> String {
        switch type {
        case .text: "text"
        case .integer: "a whole number"
        case .decimal: "a number"
        case .date: "a date, YYYY-MM-DD or today"
        case .time: "a time, HH:MM"
        case .dateTime: "a date and time, YYYY-MM-DD HH:MM"
        case .acknowledge: "OK to acknowledge"
        case .selectOne: "choose one"
        case .selectMultiple: "choose any, numbers separated by spaces"
        case .note: "note"
        case .calculate: "calculated"
        }
    }

    /// "Outer › Inner": the labels of a group and those around it.
    private static func title(of path: [String], groups: [String: QuestionGroup], language: String?) -> String {
        path.compactMap { groups[$0]?.localizedLabel.text(in: language) }.joined(separator: " › ")
    }

    /// The groups from the outermost to `name`.
    private static func groupPath(_ name: String?, groups: [String: QuestionGroup]) -> [String] {
        var path: [String] = []
        var current = name
        while let group = current, !path.contains(group) {
            path.insert(group, at: 0)
            current = groups[group]?.parent
        }
        return path
    }

    /// Word-wraps `text` to `width` columns (``width`` unless given); the first line starts with
    /// `first`, the others with `indent`. A word longer than a line is not broken.
    public static func wrap(_ text: String, width: Int = width, indent: String, first: String? = nil) -> [String] {
        var lines: [String] = []
        var line = first ?? indent
        var lineHasWord = false
        for word in text.split(whereSeparator: \.isWhitespace) {
            if lineHasWord, line.count + 1 + word.count > width {
                lines.append(line)
                line = indent
                lineHasWord = false
            }
            line += (lineHasWord ? " " : "") + word
            lineHasWord = true
        }
        lines.append(line)
        return lines
    }
}
