/// Instants written as ISO 8601 in UTC with milliseconds (`2026-11-14T10:03:12.345Z`), the way the
/// server stores its timestamps. Pure arithmetic on milliseconds since 1970: no formatter, no
/// time zone database, so it costs nanoseconds on paths that stamp every request.
public enum UTCTime {
    /// `YYYY-MM-DDTHH:MM:SS.mmmZ` for `milliseconds` since 1970-01-01T00:00:00Z.
    public static func iso8601(milliseconds: Int64) -> String {
        let (days, millisecondOfDay) = floorDivision(Int(milliseconds), 86_400_000)
        let date = CalendarDate(daysSinceEpoch: days)
        let seconds = millisecondOfDay / 1_000
        return "\(pad(date.year, 4))-\(pad(date.month, 2))-\(pad(date.day, 2))T"
            + "\(pad(seconds / 3_600, 2)):\(pad(seconds / 60 % 60, 2)):\(pad(seconds % 60, 2)).\(pad(millisecondOfDay % 1_000, 3))Z"
    }

    private static func floorDivision(_ value: Int, _ divisor: Int) -> (quotient: Int, remainder: Int) {
        let remainder = value % divisor
        return remainder < 0 ? (value / divisor - 1, remainder + divisor) : (value / divisor, remainder)
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
