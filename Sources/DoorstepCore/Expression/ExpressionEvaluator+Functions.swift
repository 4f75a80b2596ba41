import Foundation

/// The XLSForm functions beyond the core few, with XPath 1.0's conversions and JavaRosa's
/// behaviour where the ODK XForms specification is silent. Each is documented with an example in
/// `docs/forms.md`; none fails: what an ODK client would report as an error gives empty text or
/// NaN here, which skip logic reads as false and a calculation stores as no answer.
extension ExpressionEvaluator {
    func text(_ function: ExpressionFunction, _ arguments: [FormExpression]) -> ExpressionValue {
        let values = arguments.map(evaluate)
        switch function {
        case .string:
            return .string(values[0].asString)
        case .join:
            let separator = values[0].asString
            return .string(values.dropFirst().map(\.asString).filter { !$0.isEmpty }.joined(separator: separator))
        case .substr:
            // JavaRosa: characters from `start` up to `end` (exclusive), counted from 0; a negative
            // index counts from the end; both are clamped to the text.
            let scalars = Array(values[0].asString.unicodeScalars)
            let count = scalars.count
            func position(_ value: Double) -> Int? {
                guard !value.isNaN else { return nil }
                let whole = value.isInfinite ? (value < 0 ? -count - 1 : count + 1) : Int(value.rounded(.towardZero))
                return Swift.min(Swift.max(whole < 0 ? count + whole : whole, 0), count)
            }
            guard let start = position(values[1].asNumber), let end = values.count > 2 ? position(values[2].asNumber) : count,
                  start < end
            else { return .string("") }
            var text = ""
            text.unicodeScalars.append(contentsOf: scalars[start..<end])
            return .string(text)
        case .substringBefore:
            let (text, marker) = (values[0].asString, values[1].asString)
            guard !marker.isEmpty, let range = text.range(of: marker, options: .literal) else { return .string("") }
            return .string(String(text[..<range.lowerBound]))
        case .substringAfter:
            let (text, marker) = (values[0].asString, values[1].asString)
            guard !marker.isEmpty else { return .string(text) }
            guard let range = text.range(of: marker, options: .literal) else { return .string("") }
            return .string(String(text[range.upperBound...]))
        case .translate:
            // XPath: each character of the first list becomes the one at its place in the second,
            // or is removed when the second is shorter; the first occurrence in the list counts.
            let from = Array(values[1].asString.unicodeScalars)
            let to = Array(values[2].asString.unicodeScalars)
            var map: [Unicode.Scalar: Unicode.Scalar?] = [:]
            for (index, scalar) in from.enumerated() where map[scalar] == nil {
                map[scalar] = index < to.count ? to[index] : .some(nil)
            }
            var text = ""
            for scalar in values[0].asString.unicodeScalars {
                if let replacement = map[scalar] {
                    if let replacement { text.unicodeScalars.append(replacement) }
                } else {
                    text.unicodeScalars.append(scalar)
                }
            }
            return .string(text)
        case .normalizeSpace:
            let words = values[0].asString.split { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
            return .string(words.joined(separator: " "))
        case .selectedAt:
            let choices = Self.choices(in: values[0].asString)
            let index = values[1].asNumber
            guard index.isFinite, index >= 0, index < Double(choices.count) else { return .string("") }
            return .string(choices[Int(index)])
        case .choiceName:
            // `jr:choice-name(${q}, '${q}')`: the label of a choice of the question named in the text.
            let reference = values[1].asString.trimmingWhitespace()
            let name = reference.hasPrefix("${") && reference.hasSuffix("}") ? String(reference.dropFirst(2).dropLast()) : reference
            return .string(choiceLabels[name]?[values[0].asString.trimmingWhitespace()] ?? "")
        case .uuid:
            // `uuid()` is a version 4 UUID; `uuid(n)` n random hex digits (JavaRosa: n random
            // letters and digits).
            guard values.count == 1 else { return .string(newIdentifier()) }
            let length = values[0].asNumber
            guard length.isFinite, length >= 0 else { return .string("") }
            var digits = ""
            while digits.count < Int(length) { digits += newIdentifier().replacingOccurrences(of: "-", with: "") }
            return .string(String(digits.prefix(Int(length))))
        default:
            return .string("")
        }
    }

    func condition(_ function: ExpressionFunction, _ arguments: [FormExpression]) -> ExpressionValue {
        let values = arguments.map(evaluate)
        switch function {
        case .boolean: return .boolean(values[0].asBoolean)
        case .booleanFromString:
            let text = values[0].asString.trimmingWhitespace()
            return .boolean(text == "true" || text == "1")
        case .contains:
            let marker = values[1].asString
            return .boolean(marker.isEmpty || values[0].asString.range(of: marker, options: .literal) != nil)
        case .startsWith: return .boolean(values[0].asString.unicodeScalars.starts(with: values[1].asString.unicodeScalars))
        case .endsWith:
            return .boolean(values[0].asString.unicodeScalars.reversed().starts(with: values[1].asString.unicodeScalars.reversed()))
        default: return .boolean(false)
        }
    }

    func math(_ function: ExpressionFunction, _ arguments: [FormExpression]) -> ExpressionValue {
        switch function {
        case .pi: return .number(Double.pi)
        case .count: return .number(Double(arguments.count))
        case .countNonEmpty: return .number(Double(arguments.filter { !evaluate($0).asString.isEmpty }.count))
        default: break
        }
        let numbers = arguments.map { evaluate($0).asNumber }
        switch function {
        case .round:
            let places = numbers.count > 1 ? numbers[1] : 0
            return .number(Self.round(numbers[0], places: places))
        case .pow: return .number(Foundation.pow(numbers[0], numbers[1]))
        case .abs: return .number(Swift.abs(numbers[0]))
        case .sqrt: return .number(numbers[0].squareRoot())
        case .log: return .number(Foundation.log(numbers[0]))
        case .exp: return .number(Foundation.exp(numbers[0]))
        case .sum: return .number(numbers.reduce(0, +))
        case .max: return .number(numbers.contains(where: \.isNaN) ? .nan : numbers.max() ?? .nan)
        case .min: return .number(numbers.contains(where: \.isNaN) ? .nan : numbers.min() ?? .nan)
        default: return .number(.nan)
        }
    }

    /// `value` rounded to `places` decimal places, halves away from zero (JavaRosa's `HALF_UP`),
    /// on the decimal digits XPath writes, so `round(2.675, 2)` is 2.68.
    static func round(_ value: Double, places: Double) -> Double {
        guard value.isFinite, places.isFinite else { return places.isNaN ? .nan : value }
        let places = Int(places.rounded(.towardZero))
        guard var decimal = Decimal(string: ExpressionValue.xpathString(value)) else { return .nan }
        var rounded = Decimal()
        NSDecimalRound(&rounded, &decimal, places, .plain)
        return NSDecimalNumber(decimal: rounded).doubleValue
    }

    func time(_ function: ExpressionFunction, _ arguments: [FormExpression]) -> ExpressionValue {
        switch function {
        case .now:
            return .string(now())
        case .date:
            guard let moment = ExpressionMoment(evaluate(arguments[0])) else { return .string("") }
            return .string(moment.date.description)
        case .dateTime:
            guard let moment = ExpressionMoment(evaluate(arguments[0])) else { return .string("") }
            return .string(moment.dateTimeText)
        case .decimalDateTime:
            guard let moment = ExpressionMoment(evaluate(arguments[0])) else { return .number(.nan) }
            return .number(moment.days)
        case .formatDate, .formatDateTime:
            guard let moment = ExpressionMoment(evaluate(arguments[0])) else { return .string("") }
            return .string(moment.formatted(evaluate(arguments[1]).asString, withTime: function == .formatDateTime))
        default:
            return .string("")
        }
    }
}

/// A moment an expression reads: a date `YYYY-MM-DD`, a date-time `YYYY-MM-DDTHH:MM[:SS[.sss]]`
/// with `Z` or an offset `±HH:MM` (read in UTC), or a number of days since 1970-01-01 (its
/// fraction the time of day, UTC).
struct ExpressionMoment {
    /// Days since 1970-01-01 UTC, with the time of day as a fraction.
    var days: Double

    init?(_ value: ExpressionValue) {
        switch value {
        case .number(let number):
            guard number.isFinite else { return nil }
            days = number
        case .boolean:
            return nil
        case .string(let raw):
            let text = ExpressionValue.trimmingXPathSpace(raw)
            if let date = CalendarDate(text) {
                days = Double(date.daysSinceEpoch)
            } else if let parsed = Self.dateTimeDays(text) {
                days = parsed
            } else if let number = ExpressionValue.xpathNumber(text) {
                days = number
            } else {
                return nil
            }
        }
    }

    /// The day, UTC.
    var date: CalendarDate { CalendarDate(daysSinceEpoch: Int(days.rounded(.down))) }

    /// Milliseconds into the day, UTC.
    var millisecondOfDay: Int {
        Swift.min(Int(((days - days.rounded(.down)) * 86_400_000).rounded()), 86_399_999)
    }

    /// `YYYY-MM-DDTHH:MM:SS.sssZ`.
    var dateTimeText: String {
        UTCTime.iso8601(milliseconds: Int64(date.daysSinceEpoch) * 86_400_000 + Int64(millisecondOfDay))
    }

    /// The moment written by an ODK format: `%Y` year, `%y` two-digit year, `%m` month 01–12, `%n`
    /// month 1–12, `%b` month name, `%d` day 01–31, `%e` day 1–31, `%a` weekday name, and with the
    /// time `%H` hour 00–23, `%h` hour 0–23, `%M` minute, `%S` second, `%3` millisecond (without
    /// it they read 0); anything else is copied.
    func formatted(_ format: String, withTime: Bool) -> String {
        let date = self.date
        let milliseconds = withTime ? millisecondOfDay : 0
        let (hour, minute) = (milliseconds / 3_600_000, milliseconds / 60_000 % 60)
        let (second, millisecond) = (milliseconds / 1_000 % 60, milliseconds % 1_000)
        func padded(_ value: Int, _ width: Int) -> String {
            let digits = String(Swift.abs(value))
            return (value < 0 ? "-" : "") + String(repeating: "0", count: Swift.max(0, width - digits.count)) + digits
        }
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        // 1970-01-01 was a Thursday.
        let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]
        var out = ""
        var pending = false
        for character in format {
            guard pending else {
                if character == "%" { pending = true } else { out.append(character) }
                continue
            }
            pending = false
            switch character {
            case "Y": out += padded(date.year, 4)
            case "y": out += padded(date.year % 100, 2)
            case "m": out += padded(date.month, 2)
            case "n": out += String(date.month)
            case "b": out += months[date.month - 1]
            case "d": out += padded(date.day, 2)
            case "e": out += String(date.day)
            case "a": out += weekdays[((date.daysSinceEpoch % 7) + 7) % 7]
            case "H": out += padded(hour, 2)
            case "h": out += String(hour)
            case "M": out += padded(minute, 2)
            case "S": out += padded(second, 2)
            case "3": out += padded(millisecond, 3)
            default: out += "%" + String(character)
            }
        }
        if pending { out += "%" }
        return out
    }

    /// Days since 1970-01-01 UTC of `YYYY-MM-DDTHH:MM[:SS[.fraction]][Z|±HH:MM]`; `nil` for
    /// anything else (a time without a zone is read as UTC).
    static func dateTimeDays(_ text: String) -> Double? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 16, bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: " "),
              let date = CalendarDate(String(decoding: bytes[0..<10], as: UTF8.self))
        else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[range] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let hour = number(11..<13), bytes[13] == UInt8(ascii: ":"), let minute = number(14..<16),
              hour < 24, minute < 60
        else { return nil }
        var index = 16
        var seconds = 0.0
        if index < bytes.count, bytes[index] == UInt8(ascii: ":") {
            guard let whole = number(index + 1..<index + 3), whole < 60 else { return nil }
            seconds = Double(whole)
            index += 3
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                var end = index + 1
                while end < bytes.count, bytes[end] >= UInt8(ascii: "0"), bytes[end] <= UInt8(ascii: "9") { end += 1 }
                guard end > index + 1, let fraction = Double("0" + String(decoding: bytes[index..<end], as: UTF8.self)) else {
                    return nil
                }
                seconds += fraction
                index = end
            }
        }
        var offsetMinutes = 0
        if index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "Z"):
                index += 1
            case UInt8(ascii: "+"), UInt8(ascii: "-"):
                guard let offsetHour = number(index + 1..<index + 3), index + 3 < bytes.count, bytes[index + 3] == UInt8(ascii: ":"),
                      let offsetMinute = number(index + 4..<index + 6)
                else { return nil }
                offsetMinutes = (offsetHour * 60 + offsetMinute) * (bytes[index] == UInt8(ascii: "-") ? -1 : 1)
                index += 6
            default:
                return nil
            }
        }
        guard index == bytes.count else { return nil }
        let secondsOfDay = Double(hour * 3_600 + minute * 60 - offsetMinutes * 60) + seconds
        return Double(date.daysSinceEpoch) + secondsOfDay / 86_400
    }
}
