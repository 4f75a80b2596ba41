import Foundation

/// Comma-separated values as [RFC 4180](https://www.rfc-editor.org/rfc/rfc4180) writes them:
/// CRLF line ends, fields holding a comma, a quote, a line break or edge spaces quoted, quotes doubled.
public enum CSV {
    /// One field, quoted when it needs to be.
    public static func field(_ text: String) -> String {
        let needsQuotes = text.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
            || text.first?.isWhitespace == true || text.last?.isWhitespace == true
        guard needsQuotes else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// One record: the fields quoted as needed, separated by commas, ended by CRLF.
    public static func row(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\r\n"
    }

    /// Text that a spreadsheet would run as a formula (it starts with `=`, `+`, `-`, `@`, a tab or a
    /// carriage return and is not a number), made inert by a leading apostrophe, as OWASP advises
    /// against CSV injection. Other text is returned as it is.
    public static func inert(_ text: String) -> String {
        guard let first = text.first, ["=", "+", "-", "@", "\t", "\r"].contains(first),
              Double(text) == nil else { return text }
        return "'" + text
    }

    /// The records of CSV text: quoted fields unquoted, CRLF or LF line ends; a final line end is optional.
    public static func parse(_ text: String) -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var quoted = false
        var afterQuote = false
        var characters = text.makeIterator()
        var pending: Character? = nil
        func next() -> Character? {
            if let character = pending { pending = nil; return character }
            return characters.next()
        }
        while let character = next() {
            if quoted {
                if character == "\"" {
                    if let following = next() {
                        if following == "\"" { field.append("\"") } else { quoted = false; afterQuote = true; pending = following }
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(character)
                }
                continue
            }
            switch character {
            case "\"" where field.isEmpty && !afterQuote:
                quoted = true
            case ",":
                record.append(field)
                field = ""
                afterQuote = false
            case "\r\n", "\n", "\r":
                record.append(field)
                records.append(record)
                record = []
                field = ""
                afterQuote = false
            default:
                field.append(character)
            }
        }
        if !field.isEmpty || !record.isEmpty || afterQuote {
            record.append(field)
            records.append(record)
        }
        return records
    }
}
