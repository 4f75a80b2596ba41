/// A value during evaluation, converted between kinds as XPath 1.0 and ODK do.
///
/// Answers enter as strings (text, choices, dates; an empty or missing answer is `""`) or numbers.
/// Dates stay strings `YYYY-MM-DD`: used as numbers they count days since 1970-01-01, so
/// `${visit_date} <= today()` and `today() - ${last_check}` work.
enum ExpressionValue: Hashable, Sendable {
    case string(String)
    case number(Double)
    case boolean(Bool)

    /// The value an answer takes in an expression.
    init(_ answer: AnswerValue?) {
        switch answer {
        case nil: self = .string("")
        case .text(let text): self = .string(text)
        case .integer(let value): self = .number(Double(value))
        case .decimal(let value): self = .number(value)
        case .list(let names): self = .string(names.joined(separator: " "))
        }
    }

    /// XPath `boolean()`: non-empty text, a number other than 0 and NaN.
    var asBoolean: Bool {
        switch self {
        case .string(let text): !text.isEmpty
        case .number(let value): value != 0 && !value.isNaN
        case .boolean(let value): value
        }
    }

    /// XPath `number()`, extended as ODK does: a date `YYYY-MM-DD` is its day number since
    /// 1970-01-01; other text that is not a plain decimal is NaN.
    var asNumber: Double {
        switch self {
        case .number(let value): return value
        case .boolean(let value): return value ? 1 : 0
        case .string(let text):
            let trimmed = text.trimmingWhitespace()
            if let number = Self.decimal(trimmed) { return number }
            if let date = CalendarDate(trimmed) { return Double(date.daysSinceEpoch) }
            return .nan
        }
    }

    /// XPath `string()`: whole numbers without a decimal point, booleans as `true`/`false`.
    var asString: String {
        switch self {
        case .string(let text): text
        case .boolean(let value): value ? "true" : "false"
        case .number(let value):
            if value.isNaN {
                "NaN"
            } else if value.isInfinite {
                value < 0 ? "-Infinity" : "Infinity"
            } else {
                AnswerValue.format(value)
            }
        }
    }

    /// Empty text or NaN: what `coalesce()` skips.
    var isEmpty: Bool {
        switch self {
        case .string(let text): text.isEmpty
        case .number(let value): value.isNaN
        case .boolean: false
        }
    }

    /// A plain decimal: optional sign, digits, optional fraction; no exponent, no spaces inside.
    static func decimal(_ text: String) -> Double? {
        var digits = 0
        var points = 0
        for (offset, character) in text.enumerated() {
            if character.isASCIIDigit {
                digits += 1
            } else if character == "." {
                points += 1
            } else if (character == "-" || character == "+") && offset == 0 {
                continue
            } else {
                return nil
            }
        }
        guard digits > 0, points <= 1 else { return nil }
        return Double(text)
    }
}
