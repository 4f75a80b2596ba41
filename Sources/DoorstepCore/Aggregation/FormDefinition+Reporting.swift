/// What a form means to aggregates and the report: which questions are counted, which flag a
/// safeguarding concern and which ask an agency to follow up.
extension FormDefinition {
    /// The questions whose answers are counted: choices, numbers, dates, and calculations (counted
    /// only when they give a number). Free text, times, date-times, acknowledgements, notes and
    /// questions marked `sensitive: true` never are.
    public var aggregatedQuestions: [Question] {
        questions.filter { question in
            guard !question.sensitive else { return false }
            switch question.type {
            case .selectOne, .selectMultiple, .integer, .decimal, .date, .calculate: return true
            case .text, .time, .dateTime, .acknowledge, .note: return false
            }
        }
    }

    /// The free-text questions whose answers are counted by text (``TextCounts``): those not
    /// marked `sensitive`, in form order.
    public var countedTextQuestions: [Question] {
        questions.filter { $0.type == .text && !$0.sensitive }
    }

    /// The select questions that record follow-ups requested: by convention, a `select_one` or
    /// `select_multiple` question whose name starts with `follow_up` or `followup`.
    ///
    /// One whose choices only say yes or no (``isYesNoList(_:)``, such as `follow_up: yes_no`) asks
    /// whether a follow-up is wanted; any other (such as `follow_up_agency: agency`) names the
    /// agencies asked to act, one per chosen choice that is not a refusal (``isNegativeChoice(_:)``).
    public var followUpQuestions: [Question] {
        aggregatedQuestions.filter { question in
            switch question.type {
            case .selectOne, .selectMultiple:
                let name = question.name.lowercased()
                return name.hasPrefix("follow_up") || name.hasPrefix("followup")
            default:
                return false
            }
        }
    }

    /// The follow-up questions whose choices name agencies.
    public var followUpAgencyQuestions: [Question] {
        followUpQuestions.filter { !Self.isYesNoList($0.choices) }
    }

    /// The agencies (choice names) these answers ask to follow up, over every agency question.
    public func followUpAgencies(in answers: Answers) -> [String] {
        var agencies: [String] = []
        for question in followUpAgencyQuestions {
            guard let value = answers[question.name] else { continue }
            for choice in Tally.buckets(of: value, for: question)
            where !Self.isNegativeChoice(choice) && !agencies.contains(choice) {
                agencies.append(choice)
            }
        }
        return agencies
    }

    /// Whether these answers ask for a follow-up: a yes to a follow-up question, or an agency named.
    public func requestsFollowUp(_ answers: Answers) -> Bool {
        followUpQuestions.contains { question in
            guard let value = answers[question.name] else { return false }
            return Tally.buckets(of: value, for: question).contains { !Self.isNegativeChoice($0) && !Self.isUnsure($0) }
        }
    }

    /// Whether a choice list only says yes, no or unsure.
    public static func isYesNoList(_ choices: [Choice]) -> Bool {
        !choices.isEmpty && choices.allSatisfy { choice in
            let name = choice.name.lowercased()
            return ["yes", "y", "true", "1"].contains(name) || isNegativeChoice(name) || isUnsure(name)
        }
    }

    /// Whether a choice name says "not sure": `unsure`, `dont_know`, `not_sure`, `prefer_not_to_say`.
    static func isUnsure(_ name: String) -> Bool {
        ["unsure", "dont_know", "not_sure", "prefer_not_to_say", "maybe"].contains(name.lowercased())
    }

    /// Whether a choice name says "no" rather than naming something: `no`, `none`, `false`, `0`,
    /// `n`, `not_needed`, `no_follow_up` and the like (case ignored).
    public static func isNegativeChoice(_ name: String) -> Bool {
        let name = name.lowercased()
        return ["no", "n", "none", "false", "0", "not_needed", "nothing", "declined"].contains(name)
            || name.hasPrefix("no_") || name.hasPrefix("none_")
    }
}
