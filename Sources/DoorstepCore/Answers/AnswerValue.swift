/// One answer to one question, as stored, synced and exported.
///
/// In JSON an answer is a plain value: a string (`text`, `date`, `select_one`), a number
/// (`integer`, `decimal`) or an array of strings (`select_multiple`). Which case a question takes is
/// decided by its type; ``AnswerValidator`` coerces loose input (a number typed as a string) to it.
public enum AnswerValue: Hashable, Sendable {
    /// Free text, a `select_one` choice name, or a date as `YYYY-MM-DD`.
    case text(String)
    /// A whole number.
    case integer(Int)
    /// A number with a fractional part.
    case decimal(Double)
    /// The choice names of a `select_multiple`, in the order of the choice list.
    case list([String])
}

extension AnswerValue: Codable {
    public init(from decoder: any Decoder) throws {
        // Most answers are choice names or text, so strings are tried first: each failed attempt
        // costs a thrown error inside the decoder.
        let container = try decoder.singleValueContainer()
        if let string = try? container.decode(String.self) {
            self = .text(string)
        } else if let int = try? container.decode(Int.self) {
            self = .integer(int)
        } else if let double = try? container.decode(Double.self) {
            self = .decimal(double)
        } else if let list = try? container.decode([String].self) {
            self = .list(list)
        } else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "An answer is a string, a number or an array of strings."
            )
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .text(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .decimal(let value): try container.encode(value)
        case .list(let value): try container.encode(value)
        }
    }
}

extension AnswerValue: CustomStringConvertible {
    /// The answer as a person reads it: multi-select choices separated by spaces, as XLSForm does.
    public var description: String {
        switch self {
        case .text(let value): value
        case .integer(let value): String(value)
        case .decimal(let value): Self.format(value)
        case .list(let value): value.joined(separator: " ")
        }
    }

    /// A decimal without a trailing `.0` for whole values, so `2.0` reads `2`.
    static func format(_ value: Double) -> String {
        if value.rounded() == value, abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}

/// A response's answers keyed by question name.
public typealias Answers = [String: AnswerValue]
