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

    /// The questions that ask agencies to follow up: the questions of the form's follow-up routes
    /// (``followUps``), but for those marked `safeguarding: true` (counted as concerns instead).
    public var followUpQuestions: [Question] {
        let routed = Set(followUps.map(\.question))
        return aggregatedQuestions.filter { routed.contains($0.name) && !$0.safeguarding }
    }

    /// The follow-up questions whose choices name agencies: every one, as each route maps choices to agencies.
    public var followUpAgencyQuestions: [Question] {
        followUpQuestions
    }

    /// Whether choosing `choice` on follow-up question `question` asks an agency to act.
    public func asksForFollowUp(_ choice: String, on question: String) -> Bool {
        followUps.contains { $0.question == question && $0.agency(for: choice) != nil }
    }

    /// The choices these answers pick that ask an agency to follow up, over every follow-up question.
    public func followUpAgencies(in answers: Answers) -> [String] {
        var agencies: [String] = []
        for question in followUpAgencyQuestions {
            guard let value = answers[question.name] else { continue }
            for choice in Tally.buckets(of: value, for: question)
            where asksForFollowUp(choice, on: question.name) && !agencies.contains(choice) {
                agencies.append(choice)
            }
        }
        return agencies
    }

    /// Whether these answers ask any agency for a follow-up.
    public func requestsFollowUp(_ answers: Answers) -> Bool {
        !followUpAgencies(in: answers).isEmpty
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
