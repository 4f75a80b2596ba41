public import Foundation

/// How long ago something happened, as organisers read it on a live view.
public enum ElapsedTime {
    /// "5 min", "2 h 10 min" or "3 days" from an ISO 8601 time (with or without fractional
    /// seconds) to `now`; "?" when the time cannot be read.
    public static func since(_ iso: String, now: Date) -> String {
        let plain = ISO8601DateFormatter()
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let date = plain.date(from: iso) ?? fractional.date(from: iso) else { return "?" }
        let minutes = max(0, Int(now.timeIntervalSince(date) / 60))
        if minutes < 60 { return "\(minutes) min" }
        if minutes < 24 * 60 { return "\(minutes / 60) h \(minutes % 60) min" }
        return "\(minutes / (24 * 60)) days"
    }
}
