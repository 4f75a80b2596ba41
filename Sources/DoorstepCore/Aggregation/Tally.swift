import Foundation

/// What one response adds to its campaign's running tallies.
///
/// Every response counts in the dimension `"all"`, in its form version's `"version:<version>"`
/// and, when its address has them, in `"street:<street>"` and `"area:<area>"`. Within each dimension it adds one to:
/// * ``responseQuestion`` / ``responsesBucket``: the response itself;
/// * ``responseQuestion`` / ``declinedBucket``: instead, a response without consent (the form's
///   `consent` question not answered `yes`, ``FormDefinition/recordsConsent(_:)``): it adds only
///   this and, when the officer flagged one, the safeguarding concern, never its answers;
/// * ``responseQuestion`` / ``safeguardingBucket``: when a `safeguarding: true` question flags a concern;
/// * ``responseQuestion`` / ``followUpBucket``: when it asks for a follow-up (``FormDefinition/requestsFollowUp(_:)``);
/// * for each aggregated question it answers, `question` / ``answeredBucket`` and one bucket per
///   value: the choice name (each chosen one of a multi-select), the number as text, or the month
///   (`YYYY-MM`) of a date.
///
/// Free text is counted apart, for the whole campaign only: a response with consent adds one to
/// ``TallyKey/textDimension`` / `question` / ``textAnsweredBucket`` and to its normalised text
/// (``FormDefinition/countedTextQuestions``). Questions marked `sensitive: true`, notes and
/// calculations that are not numbers never contribute (see ``FormDefinition/aggregatedQuestions``).
public enum Tally {
    /// The pseudo question under which whole responses are counted; no question can be named so.
    public static let responseQuestion = "*"
    /// Under ``responseQuestion``: every response with consent (or of a form that asks none).
    public static let responsesBucket = "responses"
    /// Under ``responseQuestion``: every response without consent (declined).
    public static let declinedBucket = "declined"
    /// Under ``responseQuestion``: responses flagging a safeguarding concern.
    public static let safeguardingBucket = "safeguarding"
    /// Under ``responseQuestion``: responses asking any agency to follow up.
    public static let followUpBucket = "follow_up"
    /// Under a question: responses that answered it.
    public static let answeredBucket = "answered"
    /// Under a free-text question in ``TallyKey/textDimension``: responses that answered it (no
    /// normalised text is empty).
    public static let textAnsweredBucket = ""

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
        Plan(form: form).contributions(of: answers, street: street, area: area)
    }

    /// The buckets one answer falls in; empty when it says nothing that can be counted.
    public static func buckets(of value: AnswerValue, for question: Question) -> [String] {
        var buckets: [String] = []
        appendBuckets(of: value, shape: AnswerShape(question.type)) { buckets.append($0) }
        return buckets
    }

    /// Calls `body` with each bucket `value` falls in, for a question of type `shape`, without
    /// repeats; returns how many there were.
    @discardableResult
    static func appendBuckets(of value: AnswerValue, shape: AnswerShape, _ body: (String) -> Void) -> Int {
        switch shape {
        case .selectOne:
            guard case .text(let choice) = value, !choice.isEmpty else { return 0 }
            body(choice)
            return 1
        case .selectMultiple:
            let chosen: [String]
            switch value {
            case .list(let list): chosen = list
            case .text(let text): chosen = text.split(separator: " ").map(String.init)
            default: return 0
            }
            var count = 0
            if chosen.count <= 8 {
                // A few choices: looking back is cheaper than hashing.
                for (index, choice) in chosen.enumerated() where !choice.isEmpty && !chosen[..<index].contains(choice) {
                    body(choice)
                    count += 1
                }
            } else {
                var seen = Set<String>()
                for choice in chosen where !choice.isEmpty && seen.insert(choice).inserted {
                    body(choice)
                    count += 1
                }
            }
            return count
        case .integer, .decimal, .calculate:
            guard let number = value.tallyNumber else { return 0 }
            body(numberBucket(number))
            return 1
        case .date:
            guard case .text(let date) = value, date.count >= 7 else { return 0 }
            body(String(date.prefix(7)))
            return 1
        case .text, .time, .dateTime, .acknowledge, .note:
            return 0
        }
    }

    /// A number as a bucket name: whole numbers without a fraction, so `2.0` and `2` share a bucket.
    public static func numberBucket(_ value: Double) -> String {
        AnswerValue.format(value)
    }
}

extension Tally {
    /// What a form's responses contribute to the tallies, worked out once per form version.
    ///
    /// ``Tally/contributions(of:form:street:area:)`` reads the form afresh on every call; a caller
    /// that counts many responses of one form (the server, on every push) keeps a plan and asks it.
    public struct Plan: Sendable {
        /// A question the plan reads: its name, and the index of the last question so named
        /// (whose answer a response's dictionary keeps).
        struct Slot: Sendable {
            var name: String
            var index: Int
        }

        /// An aggregated question (see ``FormDefinition/aggregatedQuestions``), in form order.
        struct Entry: Sendable {
            var slot: Slot
            var shape: AnswerShape
            /// For a follow-up question (``FormDefinition/followUpQuestions``): each choice name
            /// and whether choosing it asks for a follow-up; `nil` for other questions.
            var followUpChoices: [(name: String, asks: Bool)]?
        }

        let entries: [Entry]
        /// The questions marked `safeguarding: true`, in form order.
        let safeguarding: [Slot]
        /// The form's consent question (``FormDefinition/consent``), if it names one.
        let consent: Slot?
        /// The free-text questions counted by text (``FormDefinition/countedTextQuestions``).
        let texts: [Slot]
        /// The form version.
        let version: String

        /// Works out what responses to `form` contribute.
        public init(form: FormDefinition) {
            var lastIndex: [String: Int] = [:]
            for (index, question) in form.questions.enumerated() { lastIndex[question.name] = index }
            func slot(_ question: Question) -> Slot { Slot(name: question.name, index: lastIndex[question.name] ?? 0) }
            let followUps = Set(form.followUpQuestions.map(\.name))
            entries = form.aggregatedQuestions.map { question in
                Entry(
                    slot: slot(question), shape: AnswerShape(question.type),
                    followUpChoices: followUps.contains(question.name)
                        ? question.choices.map { ($0.name, form.asksForFollowUp($0.name, on: question.name)) } : nil
                )
            }
            safeguarding = form.questions.filter(\.safeguarding).map(slot)
            consent = form.consent.flatMap(form.question(named:)).map(slot)
            texts = form.countedTextQuestions.map(slot)
            version = form.version
        }

        /// What one response contributes (see ``Tally/contributions(of:form:street:area:)``).
        ///
        /// - Parameters:
        ///   - answers: The response's merged answers.
        ///   - street: The street of its address on the walk list, if any.
        ///   - area: The area of its address on the walk list, if any.
        public func contributions(of answers: Answers, street: String?, area: String?) -> [TallyKey] {
            placed(keys(of: answers), street: street, area: area)
        }

        /// What one response contributes in the ``TallyKey/allDimension`` alone, and its free text in
        /// ``TallyKey/textDimension``; the caller places the first in each of
        /// ``dimensions(street:area:)`` (as the server does, per group of responses).
        public func keys(of answers: Answers) -> [TallyKey] {
            keys { answers[$0.name] }
        }

        /// What one response contributes in the ``TallyKey/allDimension`` alone, from its answers
        /// in form order as ``AnswerValidator/validateInFormOrder(_:personalDataErased:expired:)`` gives them.
        public func keys(inFormOrder values: [AnswerValue?]) -> [TallyKey] {
            keys { $0.index < values.count ? values[$0.index] : nil }
        }

        /// The dimensions a response of this form version at a place counts in: ``TallyKey/allDimension``,
        /// its version's (``TallyKey/versionDimension(_:)``), and its street's and area's when known.
        public func dimensions(street: String?, area: String?) -> [String] {
            var dimensions = [TallyKey.allDimension, TallyKey.versionDimension(version)]
            if let street = street?.trimmingCharacters(in: .whitespaces), !street.isEmpty {
                dimensions.append(TallyKey.streetDimension(street))
            }
            if let area = area?.trimmingCharacters(in: .whitespaces), !area.isEmpty {
                dimensions.append(TallyKey.areaDimension(area))
            }
            return dimensions
        }

        /// `keys` (of the ``TallyKey/allDimension``) in each of the other dimensions too; free text
        /// stays in its own.
        private func placed(_ keys: [TallyKey], street: String?, area: String?) -> [TallyKey] {
            var placed = keys
            let all = keys.filter { $0.dimension == TallyKey.allDimension }
            for dimension in dimensions(street: street, area: area).dropFirst() {
                for key in all { placed.append(TallyKey(dimension: dimension, question: key.question, bucket: key.bucket)) }
            }
            return placed
        }

        private func keys(value: (Slot) -> AnswerValue?) -> [TallyKey] {
            let all = TallyKey.allDimension
            var keys: [TallyKey] = []
            keys.reserveCapacity(3 + entries.count * 2)
            let declined = consent.map { value($0) != FormDefinition.consentGiven } ?? false
            keys.append(TallyKey(dimension: all, question: responseQuestion, bucket: declined ? declinedBucket : responsesBucket))
            // By the rule of ``AnswerValidator/flagsSafeguarding(_:)``: merged answers are validated
            // already (calculations done, answers that are not relevant dropped).
            if safeguarding.contains(where: { value($0)?.isTruthy == true }) {
                keys.append(TallyKey(dimension: all, question: responseQuestion, bucket: safeguardingBucket))
            }
            let followUpPlace = keys.count
            var followUp = false
            for entry in entries where !declined {
                guard let answer = value(entry.slot) else { continue }
                let answered = keys.count
                let name = entry.slot.name
                keys.append(TallyKey(dimension: all, question: name, bucket: answeredBucket))
                let count = appendBuckets(of: answer, shape: entry.shape) { bucket in
                    keys.append(TallyKey(dimension: all, question: name, bucket: bucket))
                    if !followUp, let choices = entry.followUpChoices {
                        followUp = choices.first { $0.name == bucket }?.asks ?? false
                    }
                }
                if count == 0 { keys.remove(at: answered) }
            }
            if followUp {
                keys.insert(TallyKey(dimension: all, question: responseQuestion, bucket: followUpBucket), at: followUpPlace)
            }
            for slot in texts where !declined {
                guard case .text(let text)? = value(slot) else { continue }
                let normalised = TextCounts.normalise(text)
                guard !normalised.isEmpty else { continue }
                keys.append(TallyKey(dimension: TallyKey.textDimension, question: slot.name, bucket: textAnsweredBucket))
                keys.append(TallyKey(dimension: TallyKey.textDimension, question: slot.name, bucket: normalised))
            }
            return keys
        }
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
