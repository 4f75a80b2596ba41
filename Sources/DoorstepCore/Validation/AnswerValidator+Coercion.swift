extension AnswerValidator {
    /// Parses what an officer typed (or `--set NAME=VALUE`) into the question's answer type.
    ///
    /// Surrounding spaces are ignored; empty input is no answer (`.text("")`, or `.list([])` for a
    /// multi-select). A date may be typed `today`; an acknowledgement `ok`, `y` or `yes`. A choice
    /// may be typed by its name, its label (any case) or its number in the list; a multi-select
    /// takes several, separated by spaces or commas, and stores them in the list's order without
    /// repeats.
    public func coerce(_ input: String, for question: Question) -> Result<AnswerValue, AnswerProblem> {
        Self.coerce(input, for: question, today: today)
    }

    static func coerce(_ input: String, for question: Question, today: String) -> Result<AnswerValue, AnswerProblem> {
        let text = input.trimmingWhitespace()
        func problem(_ message: String) -> Result<AnswerValue, AnswerProblem> {
            .failure(AnswerProblem(question: question.name, message: message))
        }
        switch question.type {
        case .note, .calculate:
            return problem("This question is not asked; it takes no answer.")
        case .selectMultiple:
            if text.isEmpty { return .success(.list([])) }
            var names: [String] = []
            for token in text.unicodeScalars.split(whereSeparator: { $0 == "," || $0.isSpace }) {
                guard let choice = resolveChoice(String(token), in: question.choices) else {
                    return problem(Self.notAChoice(String(token), question))
                }
                names.append(choice.name)
            }
            return .success(.list(Self.inListOrder(names, question.choices)))
        case .selectOne:
            if text.isEmpty { return .success(.text("")) }
            guard let choice = resolveChoice(text, in: question.choices) else {
                return problem(Self.notAChoice(text, question))
            }
            return .success(.text(choice.name))
        case .date:
            if text.lowercased() == "today" { return .success(.text(today)) }
            return normalize(.text(text), for: question)
        case .acknowledge:
            if ["y", "yes"].contains(text.lowercased()) { return .success(.text(Self.acknowledged)) }
            return normalize(.text(text), for: question)
        case .text, .integer, .decimal, .time, .dateTime:
            return normalize(.text(text), for: question)
        }
    }

    /// An answer in the question's canonical form: `.integer` for integers, `.decimal` for
    /// decimals, `.text` for text, dates, times (`HH:MM` or `HH:MM:SS`), date-times
    /// (`YYYY-MM-DDTHH:MM…`), acknowledgements (`OK`) and single choices, `.list` in choice-list
    /// order for multi-selects. Loose JSON is accepted: numbers as text, a whole decimal for an integer, a
    /// multi-select as one space-separated string. Empty answers come back unchanged.
    ///
    /// The server stores what this returns for a `response.update` field.
    public func normalize(_ value: AnswerValue, for question: Question) -> Result<AnswerValue, AnswerProblem> {
        Self.normalize(value, for: question)
    }

    static func normalize(_ value: AnswerValue, for question: Question) -> Result<AnswerValue, AnswerProblem> {
        normalize(value, name: question.name, shape: AnswerShape(question.type), choices: question.choices)
    }

    /// ``normalize(_:for:)`` for the question called `name`, of type `shape` with these `choices`.
    static func normalize(
        _ value: AnswerValue, name questionName: String, shape: AnswerShape, choices: [Choice]
    ) -> Result<AnswerValue, AnswerProblem> {
        if value.isEmptyAnswer {
            if case .selectMultiple = shape { return .success(.list([])) }
            return .success(value)
        }
        func problem(_ message: String) -> Result<AnswerValue, AnswerProblem> {
            .failure(AnswerProblem(question: questionName, message: message))
        }
        switch shape {
        case .note, .calculate:
            return problem("This question is not asked; it takes no answer.")

        case .text:
            switch value {
            case .text(let text): return .success(.text(text.trimmingWhitespace()))
            case .decimal(let number) where !number.isFinite: return problem("Enter text or a finite number, not \(number).")
            case .integer, .decimal: return .success(.text(value.description))
            case .list: return problem("Enter text, not a list.")
            }

        case .integer:
            switch value {
            case .integer: return .success(value)
            case .decimal(let number):
                if number.isFinite, number.rounded() == number, abs(number) < 1e15 { return .success(.integer(Int(number))) }
                return problem("Enter a whole number, such as 3, not \(value).")
            case .text(let raw):
                let text = raw.trimmingWhitespace()
                let digits = text.hasPrefix("-") || text.hasPrefix("+") ? text.dropFirst() : Substring(text)
                guard !digits.isEmpty, digits.allSatisfy(\.isASCIIDigit), let number = Int(text) else {
                    return problem("Enter a whole number, such as 3, not '\(text)'.")
                }
                return .success(.integer(number))
            case .list: return problem("Enter a whole number, such as 3, not a list.")
            }

        case .decimal:
            switch value {
            case .integer(let number): return .success(.decimal(Double(number)))
            case .decimal(let number):
                guard number.isFinite else { return problem("Enter a number, such as 2.5.") }
                return .success(value)
            case .text(let raw):
                let text = raw.trimmingWhitespace()
                guard let number = Self.decimal(typed: text), number.isFinite else {
                    return problem("Enter a number, such as 2.5, not '\(text)'.")
                }
                return .success(.decimal(number))
            case .list: return problem("Enter a number, such as 2.5, not a list.")
            }

        case .date:
            guard case .text(let raw) = value else {
                return problem("Enter a date as YYYY-MM-DD, such as 2025-03-14, not \(value).")
            }
            let text = raw.trimmingWhitespace()
            guard CalendarDate(text) != nil else {
                return problem("Enter a real date as YYYY-MM-DD, such as 2025-03-14, not '\(text)'.")
            }
            return .success(.text(text))

        case .time:
            guard case .text(let raw) = value, let time = Self.time(raw.trimmingWhitespace()) else {
                return problem("Enter a time as HH:MM, such as 18:30, not \(Self.quoted(value)).")
            }
            return .success(.text(time))

        case .dateTime:
            guard case .text(let raw) = value, case let text = raw.trimmingWhitespace(), text.count > 10,
                  ExpressionMoment.dateTimeDays(text) != nil
            else {
                return problem("Enter a date and time as YYYY-MM-DD HH:MM, such as 2025-03-14 18:30, not \(Self.quoted(value)).")
            }
            return .success(.text(String(text.prefix(10)) + "T" + String(text.dropFirst(11))))

        case .acknowledge:
            guard case .text(let raw) = value, raw.trimmingWhitespace().lowercased() == "ok" else {
                return problem("Type OK to acknowledge, not \(Self.quoted(value)).")
            }
            return .success(.text(Self.acknowledged))

        case .selectOne:
            let name: String
            switch value {
            case .text(let text): name = text.trimmingWhitespace()
            case .integer, .decimal: name = value.description
            case .list(let names):
                guard names.count == 1 else { return problem("Choose only one answer.") }
                name = names[0]
            }
            guard choices.contains(where: { $0.name == name }) else {
                return problem(Self.notAChoice(name, choices))
            }
            return .success(.text(name))

        case .selectMultiple:
            let names: [String]
            switch value {
            case .text(let text): names = ExpressionEvaluator.choices(in: text)
            case .integer, .decimal: names = [value.description]
            case .list(let list): names = list
            }
            for name in names where !choices.contains(where: { $0.name == name }) {
                return problem(Self.notAChoice(name, choices))
            }
            return .success(.list(Self.inListOrder(names, choices)))
        }
    }

    /// The answer to an `acknowledge` question, as ODK stores it.
    public static let acknowledged = "OK"

    /// A time of day `H:MM`, `HH:MM` or `HH:MM:SS` (24-hour) as `HH:MM` or `HH:MM:SS`; `nil` for
    /// anything else.
    static func time(_ text: String) -> String? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard (2...3).contains(parts.count), (1...2).contains(parts[0].count),
              parts.dropFirst().allSatisfy({ $0.count == 2 }),
              parts.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) }),
              let hour = Int(parts[0]), hour < 24, parts.dropFirst().allSatisfy({ (Int($0) ?? 60) < 60 })
        else { return nil }
        return ([hour < 10 ? "0\(hour)" : "\(hour)"] + parts.dropFirst().map(String.init)).joined(separator: ":")
    }

    /// A value in a message: text in quotes, a number or a list as written.
    static func quoted(_ value: AnswerValue) -> String {
        switch value {
        case .text(let text): "'\(text.trimmingWhitespace())'"
        case .list: "a list"
        default: value.description
        }
    }

    /// A decimal written as text: a number as XPath reads it (``ExpressionValue/xpathNumber(_:)``),
    /// which may also be signed `+` as an integer may: `+2.5` is 2.5.
    static func decimal(typed text: String) -> Double? {
        guard text.hasPrefix("+") else { return ExpressionValue.xpathNumber(text) }
        let unsigned = text.dropFirst()
        guard let first = unsigned.first, first.isASCIIDigit || first == "." else { return nil }
        return ExpressionValue.xpathNumber(String(unsigned))
    }

    /// The choice `token` names: its exact name, its number in the list, or its name or label
    /// (in any of the form's languages) in any case.
    private static func resolveChoice(_ token: String, in choices: [Choice]) -> Choice? {
        if let exact = choices.first(where: { $0.name == token }) { return exact }
        if token.allSatisfy(\.isASCIIDigit), let number = Int(token), number >= 1, number <= choices.count {
            return choices[number - 1]
        }
        let lowered = token.lowercased()
        return choices.first { choice in
            choice.name.lowercased() == lowered || choice.label.lowercased() == lowered
                || choice.localizedLabel.translations.values.contains { $0.lowercased() == lowered }
        }
    }

    static func inListOrder(_ names: [String], _ choices: [Choice]) -> [String] {
        choices.compactMap { names.contains($0.name) ? $0.name : nil }
    }

    static func notAChoice(_ name: String, _ question: Question) -> String {
        notAChoice(name, question.choices)
    }

    static func notAChoice(_ name: String, _ choices: [Choice]) -> String {
        let names = choices.map(\.name).joined(separator: ", ")
        return "'\(name)' is not one of the choices (\(names))."
    }
}
