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

    /// The value a calculation's stored result (``calculatedAnswer``) takes where it is read again:
    /// what the calculation gave, when `kinds` says it can give that.
    ///
    /// A calculation that can give a condition reads its stored `true` or `false` as that boolean
    /// (as ODK keeps a boolean result a boolean); one that can give a number reads a stored
    /// `Infinity` or `-Infinity` as that number.
    init(calculated answer: AnswerValue?, kinds: ExpressionKinds) {
        if case .text(let text) = answer {
            switch text {
            case "true" where kinds.contains(.boolean): self = .boolean(true); return
            case "false" where kinds.contains(.boolean): self = .boolean(false); return
            case "Infinity" where kinds.contains(.number): self = .number(.infinity); return
            case "-Infinity" where kinds.contains(.number): self = .number(-.infinity); return
            default: break
            }
        }
        self.init(answer)
    }

    /// How a calculation's result is stored: text as it is, a condition as the text `true` or
    /// `false`, a whole number up to 2^53 (where every whole number is exact) as an integer, any
    /// other finite number as a decimal, an infinite one as the text `Infinity` or `-Infinity`.
    /// Empty text and NaN store nothing, as in ODK.
    var calculatedAnswer: AnswerValue? {
        switch self {
        case .string(let text):
            return text.isEmpty ? nil : .text(text)
        case .boolean:
            return .text(asString)
        case .number(let value):
            if value.isNaN { return nil }
            if value.isInfinite { return .text(asString) }
            if value.rounded() == value, abs(value) <= Self.largestExactWhole { return .integer(Int(value)) }
            return .decimal(value)
        }
    }

    /// 2^53: up to here every whole number has a `Double` of its own.
    static let largestExactWhole = 9_007_199_254_740_992.0

    /// XPath `boolean()`: non-empty text, a number other than 0 and NaN.
    var asBoolean: Bool {
        switch self {
        case .string(let text): !text.isEmpty
        case .number(let value): value != 0 && !value.isNaN
        case .boolean(let value): value
        }
    }

    /// XPath `number()`, extended as ODK does for dates: text that is an XPath number (see
    /// ``xpathNumber(_:)``) is that number; a date `YYYY-MM-DD` is its day number since
    /// 1970-01-01, a date-time its day number with the time of day as a fraction (UTC); any
    /// other text is NaN.
    var asNumber: Double {
        switch self {
        case .number(let value): return value
        case .boolean(let value): return value ? 1 : 0
        case .string(let text):
            if let number = Self.xpathNumber(text) { return number }
            let trimmed = Self.trimmingXPathSpace(text)
            if let date = CalendarDate(trimmed) { return Double(date.daysSinceEpoch) }
            return ExpressionMoment.dateTimeDays(trimmed) ?? .nan
        }
    }

    /// XPath `string()`: booleans as `true`/`false`, numbers as ``xpathString(_:)`` writes them.
    var asString: String {
        switch self {
        case .string(let text): text
        case .boolean(let value): value ? "true" : "false"
        case .number(let value): Self.xpathString(value)
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

    /// A number written as XPath 1.0's `string()` writes it: never with an exponent, a whole
    /// number without a decimal point, otherwise the fewest digits that read back as the same
    /// number (`1 div 3` is `0.3333333333333333`); `NaN`, `Infinity`, `-Infinity`; -0 as `0`.
    ///
    /// See [XPath 1.0, the string function](https://www.w3.org/TR/1999/REC-xpath-19991116/#function-string).
    static func xpathString(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        if value == 0 { return "0" }
        // Swift writes the shortest digits that round-trip, as `d.ddd` with an optional exponent
        // (`1e-05`, `1.5e+21`, `100.0`); the digits are kept and the decimal point placed anew.
        let shortest = abs(value).description
        let parts = shortest.split(separator: "e")
        let exponent = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
        let mantissa = parts[0].split(separator: ".", omittingEmptySubsequences: false)
        var digits = mantissa.joined()[...]
        var point = mantissa[0].count + exponent
        while digits.first == "0" {
            digits.removeFirst()
            point -= 1
        }
        while digits.last == "0" { digits.removeLast() }
        let sign = value < 0 ? "-" : ""
        if point <= 0 { return "\(sign)0.\(String(repeating: "0", count: -point))\(digits)" }
        if point >= digits.count { return "\(sign)\(digits)\(String(repeating: "0", count: point - digits.count))" }
        return "\(sign)\(digits.prefix(point)).\(digits.dropFirst(point))"
    }

    /// Text as XPath 1.0's `number()` reads it: optional white space, an optional `-`, digits with
    /// an optional `.` and fraction (or `.` and digits), optional white space. `+3`, `1e3`,
    /// `Infinity` and a number padded with a non-breaking space are not numbers; `nil` then.
    ///
    /// See [XPath 1.0, the number function](https://www.w3.org/TR/1999/REC-xpath-19991116/#function-number).
    static func xpathNumber(_ text: String) -> Double? {
        let trimmed = trimmingXPathSpace(text)
        var bytes = trimmed.utf8[...]
        if bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        var digits = 0
        var points = 0
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digits += 1
            case UInt8(ascii: "."): points += 1
            default: return nil
            }
        }
        guard digits > 0, points <= 1 else { return nil }
        return Double(trimmed)
    }

    /// The text without XPath's white space (space, tab, carriage return, line feed) at either end.
    static func trimmingXPathSpace(_ text: String) -> String {
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A }
        let bytes = text.utf8
        guard let first = bytes.first, let last = bytes.last, isSpace(first) || isSpace(last) else { return text }
        guard let start = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(decoding: bytes[start...last], as: UTF8.self)
    }
}
