import Foundation

/// What one response adds to its campaign's running tallies.
///
/// Every response counts in the dimension `"all"` and, when its address has them, in
/// `"street:<street>"` and `"area:<area>"`. Within each dimension it adds one to:
/// * ``responseQuestion`` / ``responsesBucket``: the response itself;
/// * ``responseQuestion`` / ``safeguardingBucket``: when a `safeguarding: true` question flags a concern;
/// * ``responseQuestion`` / ``followUpBucket``: when it asks for a follow-up (``FormDefinition/requestsFollowUp(_:)``);
/// * for each aggregated question it answers, `question` / ``answeredBucket`` and one bucket per
///   value: the choice name (each chosen one of a multi-select), the number as text, or the month
///   (`YYYY-MM`) of a date.
///
/// Free text, questions marked `sensitive: true`, notes and calculations that are not numbers never
/// contribute (see ``FormDefinition/aggregatedQuestions``).
public enum Tally {
    /// The pseudo question under which whole responses are counted; no question can be named so.
    public static let responseQuestion = "*"
    /// Under ``responseQuestion``: every response.
    public static let responsesBucket = "responses"
    /// Under ``responseQuestion``: responses flagging a safeguarding concern.
    public static let safeguardingBucket = "safeguarding"
    /// Under ``responseQuestion``: responses asking any agency to follow up.
    public static let followUpBucket = "follow_up"
    /// Under a question: responses that answered it.
    public static let answeredBucket = "answered"

    /// What one response contributes to its campaign's tallies (free text and sensitive fields excluded).
    ///
    /// Each key appears at most once; the server adds one to each. An erased (all) response
    /// contributes nothing, so the server simply does not call this for one.
    /// - Parameters:
    ///   - answers: The response's merged answers.
    ///   - form: The form version the response was recorded on.
    ///   - street: The street of its address on the walk list, if any.
    ///   - area: The area of its address on the walk list, if any.
    public static func contributions(
        of answers: Answers, form: FormDefinition, street: String?, area: String?
    ) -> [TallyKey] {
        var buckets: [(question: String, bucket: String)] = [(responseQuestion, responsesBucket)]
        if flagsSafeguarding(answers, form: form) {
            buckets.append((responseQuestion, safeguardingBucket))
        }
        if form.requestsFollowUp(answers) {
            buckets.append((responseQuestion, followUpBucket))
        }
        for question in form.aggregatedQuestions {
            guard let value = answers[question.name] else { continue }
            let values = Self.buckets(of: value, for: question)
            guard !values.isEmpty else { continue }
            buckets.append((question.name, answeredBucket))
            for bucket in values { buckets.append((question.name, bucket)) }
        }
        var dimensions = [TallyKey.allDimension]
        if let street = street?.trimmingCharacters(in: .whitespaces), !street.isEmpty {
            dimensions.append(TallyKey.streetDimension(street))
        }
        if let area = area?.trimmingCharacters(in: .whitespaces), !area.isEmpty {
            dimensions.append(TallyKey.areaDimension(area))
        }
        return dimensions.flatMap { dimension in
            buckets.map { TallyKey(dimension: dimension, question: $0.question, bucket: $0.bucket) }
        }
    }

    /// The buckets one answer falls in; empty when it says nothing that can be counted.
    static func buckets(of value: AnswerValue, for question: Question) -> [String] {
        switch question.type {
        case .selectOne:
            guard case .text(let choice) = value, !choice.isEmpty else { return [] }
            return [choice]
        case .selectMultiple:
            let chosen: [String]
            switch value {
            case .list(let list): chosen = list
            case .text(let text): chosen = text.split(separator: " ").map(String.init)
            default: return []
            }
            var seen = Set<String>()
            return chosen.filter { !$0.isEmpty && seen.insert($0).inserted }
        case .integer, .decimal, .calculate:
            guard let number = value.tallyNumber else { return [] }
            return [numberBucket(number)]
        case .date:
            guard case .text(let date) = value, date.count >= 7 else { return [] }
            return [String(date.prefix(7))]
        case .text, .note:
            return []
        }
    }

    /// A number as a bucket name: whole numbers without a fraction, so `2.0` and `2` share a bucket.
    public static func numberBucket(_ value: Double) -> String {
        AnswerValue.format(value)
    }
}

extension AnswerValue {
    /// The answer as a number, when it is one (a number typed as text counts).
    var tallyNumber: Double? {
        switch self {
        case .integer(let value): Double(value)
        case .decimal(let value): value.isFinite ? value : nil
        case .text(let text): Double(text.trimmingCharacters(in: .whitespaces)).flatMap { $0.isFinite ? $0 : nil }
        case .list: nil
        }
    }
}
