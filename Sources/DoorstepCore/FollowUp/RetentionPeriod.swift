public import Foundation

/// How long an answer is kept after the response was recorded (`retention: 12 months`).
///
/// Written as a whole number and a unit: `minutes`, `hours`, `days`, `weeks`, `months` or
/// `years` (singular or plural). Months and years are calendar ones, in UTC.
public struct RetentionPeriod: Sendable, Hashable, CustomStringConvertible {
    public enum Unit: String, Sendable, Hashable, CaseIterable {
        case minute, hour, day, week, month, year
    }

    public var count: Int
    public var unit: Unit

    public init(count: Int, unit: Unit) {
        self.count = count
        self.unit = unit
    }

    /// Reads `12 months`, `1 minute`, `30 days`; `nil` for anything else (a count below 1 too).
    public init?(_ text: String) {
        let parts = text.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 2, let count = Int(parts[0]), count >= 1, count <= 1000 else { return nil }
        var word = parts[1].lowercased()
        if word.hasSuffix("s") { word.removeLast() }
        guard let unit = Unit(rawValue: word) else { return nil }
        self.count = count
        self.unit = unit
    }

    /// How it is written: `12 months`, `1 minute`.
    public var description: String {
        "\(count) \(unit.rawValue)\(count == 1 ? "" : "s")"
    }

    /// What a valid period looks like, for error messages.
    public static let rule = "a whole number and minutes, hours, days, weeks, months or years (such as 12 months)"

    /// The moment an answer recorded at `start` expires.
    public func expiry(after start: Date) -> Date {
        let calendar = Self.utc
        let component: Calendar.Component
        switch unit {
        case .minute: component = .minute
        case .hour: component = .hour
        case .day: component = .day
        case .week: return calendar.date(byAdding: .day, value: 7 * count, to: start) ?? start
        case .month: component = .month
        case .year: component = .year
        }
        return calendar.date(byAdding: component, value: count, to: start) ?? start
    }

    /// The Gregorian calendar in UTC, made once.
    private static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    /// The shorter of two periods, measured from the same start; `nil` counts as for ever.
    public static func shorter(_ a: RetentionPeriod?, _ b: RetentionPeriod?) -> RetentionPeriod? {
        guard let a else { return b }
        guard let b else { return a }
        let start = Date(timeIntervalSince1970: 0)
        return a.expiry(after: start) <= b.expiry(after: start) ? a : b
    }
}

extension FormDefinition {
    /// How long the answer to `question` is kept: its own `retention`, else the form's; `nil`
    /// (kept until erased) when neither says.
    public func retention(of question: Question) -> RetentionPeriod? {
        question.retention ?? retention
    }
}
