import Foundation

/// What residents typed in answer to one free-text question that is not sensitive, counted by
/// normalised text (``normalise(_:)``): "The park." and "the  park" are one answer. The server
/// keeps running tallies of them (``TallyKey/textDimension``), so counting never reads responses.
///
/// Only a text at least `threshold` residents gave is named (the campaign's suppression threshold,
/// for organisers as for viewers): a text few people typed can say who typed it, so it is counted
/// among ``other``. An organiser reads each answer as typed in the report's free-text list
/// (`--with-text`, audited); a viewer's copy also hides small counts, like every other count.
public struct TextCounts: Codable, Sendable, Hashable {
    /// The question's name.
    public var name: String
    /// The question's label, as officers read it.
    public var label: String
    /// Responses (with consent) that answered it; `nil` when suppressed.
    public var answered: Int?
    /// Each text at least `threshold` residents gave, the most given first; percentages of `answered`.
    public var values: [BucketCount]
    /// Answers whose text fewer than `threshold` residents gave; `nil` when suppressed.
    public var other: Int?

    public init(name: String, label: String, answered: Int?, values: [BucketCount], other: Int?) {
        self.name = name
        self.label = label
        self.answered = answered
        self.values = values
        self.other = other
    }

    /// The counts of one question from its text tallies (normalised text → count, and
    /// ``Tally/textAnsweredBucket`` → answers in all); a text is named when `threshold` or more
    /// residents gave it, written with a capital first letter.
    public init(question: Question, tallies: [String: Int], threshold: Int) {
        let answered = tallies[Tally.textAnsweredBucket] ?? 0
        let named = tallies.filter { $0.key != Tally.textAnsweredBucket && $0.value >= max(threshold, 1) }
            .sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        self.init(
            name: question.name, label: question.reportLabel, answered: answered,
            values: named.map { text, count in
                BucketCount(
                    name: text, label: text.prefix(1).uppercased() + text.dropFirst(), count: count,
                    percent: CampaignAggregates.percent(count, of: answered)
                )
            },
            other: answered - named.reduce(0) { $0 + $1.value }
        )
    }

    /// The text as it is counted: trimmed, runs of spaces made one, in lower case, without the
    /// full stops, commas and other punctuation at its ends.
    public static func normalise(_ text: String) -> String {
        let words = text.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
        let edges = CharacterSet.punctuationCharacters.union(.whitespaces)
        return words.trimmingCharacters(in: edges)
    }
}
