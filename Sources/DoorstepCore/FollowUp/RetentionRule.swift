public import Foundation

/// Which answers of a response have outlived the period they may be kept: the one rule the
/// server's purge, its merge of later writes and the documentation apply.
///
/// A question's period is its own `retention`, else the form's; a campaign may set a cap, which
/// shortens any longer period (and gives one to answers the form keeps until erased) but never
/// lengthens one. Without a period anywhere an answer is kept until the response is erased.
public struct RetentionRule: Sendable, Hashable {
    /// The form version the response was recorded on.
    public let form: FormDefinition
    /// The campaign's cap on every answer's period; `nil` when it sets none.
    public let cap: RetentionPeriod?
    /// The questions that hold answers, by the period they are kept; those kept until erased are left out.
    private let questionsByPeriod: [RetentionPeriod: Set<String>]

    /// The rule for responses to `form` in a campaign whose cap is `cap`.
    public init(form: FormDefinition, cap: RetentionPeriod?) {
        self.form = form
        self.cap = cap
        var questionsByPeriod: [RetentionPeriod: Set<String>] = [:]
        for question in form.questions where question.type != .note {
            guard let period = RetentionPeriod.shorter(form.retention(of: question), cap) else { continue }
            questionsByPeriod[period, default: []].insert(question.name)
        }
        self.questionsByPeriod = questionsByPeriod
    }

    /// Whether any answer has a period: when not, nothing ever expires.
    public var expiresAnything: Bool { !questionsByPeriod.isEmpty }

    /// How long the answer to `question` is kept: the shorter of its form's period
    /// (``FormDefinition/retention(of:)``) and the cap; `nil` when kept until erased.
    public func period(of question: Question) -> RetentionPeriod? {
        RetentionPeriod.shorter(form.retention(of: question), cap)
    }

    /// The questions that hold answers: every one but notes.
    public var answerableQuestionNames: Set<String> {
        Set(form.questions.filter { $0.type != .note }.map(\.name))
    }

    /// The names of the questions whose answers, recorded at `recordedAt`, have expired at `now`
    /// (expiry at or before `now`).
    public func expiredQuestions(recordedAt: Date, now: Date) -> Set<String> {
        var expired: Set<String> = []
        for (period, names) in questionsByPeriod where period.expiry(after: recordedAt) <= now {
            expired.formUnion(names)
        }
        return expired
    }

    /// Whether every answer a response can hold has expired, as `expired` (from
    /// ``expiredQuestions(recordedAt:now:)``) says: the response then keeps nothing.
    public func expiresEverything(_ expired: Set<String>) -> Bool {
        let answerable = answerableQuestionNames
        return !answerable.isEmpty && answerable.isSubset(of: expired)
    }
}
