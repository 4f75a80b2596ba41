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
            name: question.name, label: question.reportLabel(in: nil), answered: answered,
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
        normaliseASCII(text) ?? normaliseUnicode(text)
    }

    /// ``normalise(_:)`` of any text, with Foundation's notions of case, spaces and punctuation.
    static func normaliseUnicode(_ text: String) -> String {
        let words = text.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
        let edges = CharacterSet.punctuationCharacters.union(.whitespaces)
        return words.trimmingCharacters(in: edges)
    }

    /// ``normalise(_:)`` of a text all in ASCII (as most answers are) in one pass over its bytes;
    /// `nil` for any other text. Punctuation is what Unicode calls so (`$+<=>^`|~` are symbols).
    static func normaliseASCII(_ text: String) -> String? {
        let result = text.utf8.withContiguousStorageIfAvailable { bytes -> String? in
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            var pendingSpace = false
            for byte in bytes {
                guard byte < 0x80 else { return nil }
                switch byte {
                case 0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D:
                    pendingSpace = !out.isEmpty
                default:
                    if pendingSpace { out.append(0x20) }
                    pendingSpace = false
                    out.append(byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte)
                }
            }
            func isPunctuation(_ byte: UInt8) -> Bool {
                switch byte {
                case 0x21...0x23, 0x25...0x2A, 0x2C...0x2F, 0x3A, 0x3B, 0x3F, 0x40, 0x5B...0x5D, 0x5F, 0x7B, 0x7D: true
                default: false
                }
            }
            var start = 0, end = out.count
            while start < end, isPunctuation(out[start]) || out[start] == 0x20 { start += 1 }
            while end > start, isPunctuation(out[end - 1]) || out[end - 1] == 0x20 { end -= 1 }
            return String(decoding: out[start..<end], as: UTF8.self)
        }
        return result ?? nil
    }
}
