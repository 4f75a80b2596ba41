import DoorstepWire
import Foundation

/// What a pushed response's `recorded_at` must be: an RFC 3339 date-time
/// ([RFC 3339 §5.6](https://www.rfc-editor.org/rfc/rfc3339#section-5.6)), such as
/// `2026-11-14T10:00:00Z` or `2026-11-14T10:00:00.123+01:00`, no later than ``latest``.
///
/// A time that is not such a date-time is a fault of the device's software, and the push is
/// refused with 400. A time later than the server's clock plus the drift it allows devices cannot
/// be when the response was recorded: the device's clock is wrong. That one operation is held (see
/// `PushBatch`), so the rest of the laptop's queue still goes through and nothing is lost.
struct RecordedAtRule: Sendable {
    /// The latest time accepted, in seconds since 1970.
    var latest: Double

    /// Any real RFC 3339 time.
    static let anyTime = RecordedAtRule(latest: .infinity)

    /// No later than now plus `drift` milliseconds.
    static func notAfter(driftMilliseconds drift: Int64) -> RecordedAtRule {
        RecordedAtRule(latest: Double(ServerClock.wallMilliseconds() + drift) / 1_000)
    }

    /// The rule as the wire's readers take it: what is wrong with a `recorded_at`, in words.
    var check: SyncOperation.RecordedAtCheck {
        { text in fault(text)?.message(text) }
    }

    /// Why `text` breaks the rule, or `nil` when it keeps it.
    func fault(_ text: String) -> Fault? {
        guard let seconds = Self.seconds(text) else { return .notATime }
        guard seconds <= latest else { return .ahead }
        return nil
    }

    /// How a `recorded_at` breaks the rule.
    enum Fault {
        /// It is not an RFC 3339 date-time.
        case notATime
        /// It is later than ``RecordedAtRule/latest``.
        case ahead

        /// What is wrong with `text`, in words.
        func message(_ text: String) -> String {
            switch self {
            case .notATime: "'\(text.prefix(60))' is not an RFC 3339 time such as 2026-11-14T10:00:00Z"
            case .ahead: "\(text) is later than the server's clock allows; the device's clock is ahead and must be set right"
            }
        }
    }

    /// The time an RFC 3339 date-time stands for, in seconds since 1970; `nil` when `text` is not one.
    static func seconds(_ text: String) -> Double? {
        let bytes = Array(text.utf8)
        var index = 0
        func number(_ digits: Int) -> Int? {
            guard index + digits <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[index..<(index + digits)] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            index += digits
            return value
        }
        func skip(_ allowed: String) -> Bool {
            guard index < bytes.count, allowed.utf8.contains(bytes[index]) else { return false }
            index += 1
            return true
        }
        guard let year = number(4), skip("-"), let month = number(2), skip("-"), let day = number(2), skip("Tt"),
              let hour = number(2), skip(":"), let minute = number(2), skip(":"), let second = number(2),
              (1...12).contains(month), (1...CalendarDays.inMonth(month, of: year)).contains(day),
              hour <= 23, minute <= 59, second <= 60
        else { return nil }
        var fraction = 0.0
        if skip(".") {
            let start = index
            var scale = 0.1
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
                fraction += Double(bytes[index] - UInt8(ascii: "0")) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }
        var offset = 0
        if skip("Zz") {
            offset = 0
        } else if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
            index += 1
            guard let hours = number(2), skip(":"), let minutes = number(2), hours <= 23, minutes <= 59 else { return nil }
            offset = sign * (hours * 3_600 + minutes * 60)
        } else {
            return nil
        }
        guard index == bytes.count else { return nil }
        let days = CalendarDays.sinceEpoch(year: year, month: month, day: day)
        return Double(days * 86_400 + hour * 3_600 + minute * 60 + second - offset) + fraction
    }
}

/// Proleptic Gregorian calendar arithmetic for ``RecordedAtRule``.
private enum CalendarDays {
    static func inMonth(_ month: Int, of year: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days from 1970-01-01 to the date (Howard Hinnant's `days_from_civil`).
    static func sinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
