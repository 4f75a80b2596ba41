import Foundation

/// Escaping and number formatting for the report's HTML and SVG.
///
/// The report is written as polyglot markup: valid HTML5 that is also well-formed XML (void
/// elements closed with `/>`, only the five XML entities), so tests can parse it with an XML parser.
enum HTML {
    /// Text for an element's content or an attribute value.
    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }

    /// A whole number with thousands separators: `12,345`.
    static func count(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { grouped += "," }
            grouped.append(digit)
        }
        return (value < 0 ? "-" : "") + grouped
    }

    /// A percentage with one decimal: `33.3%`.
    static func percent(_ value: Double) -> String {
        decimal(value, places: 1) + "%"
    }

    /// A number with at most `places` decimals, trailing zeros dropped: `4`, `3.5`, `2.67`, `1,250.5`.
    static func decimal(_ value: Double, places: Int = 2) -> String {
        var text = String(format: "%.\(places)f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        if text == "-0" { text = "0" }
        let negative = text.hasPrefix("-")
        let parts = text.dropFirst(negative ? 1 : 0).split(separator: ".", maxSplits: 1)
        let whole = parts.first.flatMap { Int($0) }.map(count) ?? String(parts.first ?? "")
        return (negative ? "-" : "") + whole + (parts.count > 1 ? "." + parts[1] : "")
    }

    /// A signed change: `+3`, `−2`, `0` (a true minus sign).
    static func signedCount(_ value: Int) -> String {
        value > 0 ? "+" + count(value) : value < 0 ? "\u{2212}" + count(-value) : "0"
    }

    /// A signed change in percentage points: `+4.5 pts`.
    static func signedPoints(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        let magnitude = decimal(abs(rounded), places: 1)
        return (rounded > 0 ? "+" : rounded < 0 ? "\u{2212}" : "") + magnitude + " pts"
    }

    /// A signed change of a decimal figure: `+0.25`.
    static func signedDecimal(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        let magnitude = decimal(abs(rounded))
        return (rounded > 0 ? "+" : rounded < 0 ? "\u{2212}" : "") + magnitude
    }
}
