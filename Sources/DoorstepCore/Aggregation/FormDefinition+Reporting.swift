/// What a form means to aggregates and the report: which questions are counted, which flag a
/// safeguarding concern and which ask an agency to follow up.
extension FormDefinition {
    /// The questions whose answers are counted: choices, numbers, dates, and calculations (counted
    /// only when they give a number). Free text, notes and questions marked `sensitive: true` never are.
    public var aggregatedQuestions: [Question] {
        questions.filter { question in
            guard !question.sensitive else { return false }
            switch question.type {
            case .selectOne, .selectMultiple, .integer, .decimal, .date, .calculate: return true
            case .text, .note: return false
            }
        }
    }

    /// The select questions that record follow-ups requested, whose chosen choices name the agencies.
    ///
    /// The convention: a `select_one` or `select_multiple` question whose name is `follow_up` or
    /// starts with `follow_up` or `referral` (`follow_up_agency`, `referrals`). A chosen choice other
    /// than a refusal (``isNegativeChoice(_:)``: `no`, `none`, ...) is one agency asked to act.
    public var followUpQuestions: [Question] {
        aggregatedQuestions.filter { question in
            switch question.type {
            case .selectOne, .selectMultiple:
                let name = question.name.lowercased()
                return name.hasPrefix("follow_up") || name.hasPrefix("followup") || name.hasPrefix("referral")
            default:
                return false
            }
        }
    }

    /// The agencies (choice names) these answers ask to follow up, over every follow-up question.
    public func followUpAgencies(in answers: Answers) -> [String] {
        var agencies: [String] = []
        for question in followUpQuestions {
            guard let value = answers[question.name] else { continue }
            for choice in Tally.buckets(of: value, for: question)
            where !Self.isNegativeChoice(choice) && !agencies.contains(choice) {
                agencies.append(choice)
            }
        }
        return agencies
    }

    /// Whether a choice name says "no" rather than naming something: `no`, `none`, `false`, `0`,
    /// `n`, `not_needed`, `no_follow_up` and the like (case ignored).
    public static func isNegativeChoice(_ name: String) -> Bool {
        let name = name.lowercased()
        return ["no", "n", "none", "false", "0", "not_needed", "nothing", "declined"].contains(name)
            || name.hasPrefix("no_") || name.hasPrefix("none_")
    }
}

extension Tally {
    /// Whether these merged answers flag a safeguarding concern: a `safeguarding: true` question
    /// answered truthily, by the same rule as ``AnswerValidator/flagsSafeguarding(_:)`` (merged
    /// answers are validated already: calculations done, answers that are not relevant dropped).
    static func flagsSafeguarding(_ answers: Answers, form: FormDefinition) -> Bool {
        form.questions.contains { question in
            question.safeguarding && answers[question.name]?.isTruthy == true
        }
    }
}
