import DoorstepCore
import DoorstepTestSupport
import Foundation

/// Answers to validate and tally, with the reference outputs of the validator and the tallies for
/// them (from an implementation that read answers by name), so the code is checked against those
/// outputs rather than against a copy of the reference kept in the tests.
///
/// `Tests/DoorstepCoreTests/Corpus/validation.json`; the forms' sources are saved with it, so a
/// later change to `forms/` does not change what the cases mean.
struct ValidationCorpus: Codable {
    /// How the corpus was made.
    var origin: String
    /// The day validation ran as (`today()` in expressions).
    var today: String
    /// Each form's YAML by id; the form with repeated names, which the checker refuses, is built in code.
    var forms: [String: String]
    var cases: [Case]

    struct Case: Codable {
        var form: String
        var answers: [String: Value]
        var personalDataErased: Bool
        var street: String?
        var area: String?
        /// The validated answers, or `nil` when refused.
        var valid: [String: Value]?
        /// Each problem as `[question, message]`, when refused.
        var problems: [[String]]?
        /// The tally keys of the raw answers (no version or free-text dimension: the reference
        /// made none).
        var contributions: Keys
        /// The tally keys of the validated answers, when valid.
        var validContributions: Keys?
    }

    /// Tally keys as the reference gave them: the keys of the `all` dimension, in order, each
    /// `question<TAB>bucket`, repeated in that order in each of the other `dimensions` (the maker
    /// checked that the reference's keys were exactly that).
    struct Keys: Codable, Equatable {
        var dimensions: [String]
        var keys: [String]

        init(_ tallyKeys: [TallyKey]) {
            let all = tallyKeys.filter { $0.dimension == TallyKey.allDimension }
            var dimensions: [String] = []
            for key in tallyKeys where !dimensions.contains(key.dimension) { dimensions.append(key.dimension) }
            self.dimensions = dimensions
            keys = all.map { $0.question + "\t" + $0.bucket }
        }

        /// The keys in full, in the order they were given.
        var tallyKeys: [TallyKey] {
            dimensions.flatMap { dimension in
                keys.map { key in
                    let parts = key.split(separator: "\t", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                    return TallyKey(dimension: dimension, question: parts[0], bucket: parts.count > 1 ? parts[1] : "")
                }
            }
        }
    }

    /// An answer, exactly: text as a string, a whole number as a number, a list as an array, and
    /// a decimal as `{"bits": "<hex>"}` (JSON has no infinity and does not tell 2 from 2.0).
    enum Value: Codable, Hashable {
        case text(String), integer(Int), decimal(String), list([String])

        private struct Decimal: Codable {
            var bits: String
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                self = .text(text)
            } else if let integer = try? container.decode(Int.self) {
                self = .integer(integer)
            } else if let list = try? container.decode([String].self) {
                self = .list(list)
            } else {
                self = .decimal(try container.decode(Decimal.self).bits)
            }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .text(let text): try container.encode(text)
            case .integer(let integer): try container.encode(integer)
            case .decimal(let bits): try container.encode(Decimal(bits: bits))
            case .list(let list): try container.encode(list)
            }
        }

        init(_ value: AnswerValue) {
            switch value {
            case .text(let text): self = .text(text)
            case .integer(let integer): self = .integer(integer)
            case .decimal(let decimal): self = .decimal(String(decimal.bitPattern, radix: 16))
            case .list(let list): self = .list(list)
            }
        }

        var answer: AnswerValue {
            switch self {
            case .text(let text): .text(text)
            case .integer(let integer): .integer(integer)
            case .decimal(let bits): .decimal(Double(bitPattern: UInt64(bits, radix: 16) ?? 0))
            case .list(let list): .list(list)
            }
        }
    }

    static var file: URL {
        BuiltProducts.packageRoot.appendingPathComponent("Tests/DoorstepCoreTests/Corpus/validation.json")
    }

    static func load() throws -> ValidationCorpus {
        try JSONDecoder().decode(ValidationCorpus.self, from: Data(contentsOf: file))
    }

    static func answers(_ values: [String: Value]) -> Answers { values.mapValues(\.answer) }
    static func values(_ answers: Answers) -> [String: Value] { answers.mapValues(Value.init) }
}
