import DoorstepCore

/// Compact JSON text for the rows the raw-insert limit writes, in the shape the server stores answers.
enum JSONLiteral {
    /// A JSON string literal.
    static func string(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// One answer: a string, a number or an array of strings.
    static func answer(_ value: AnswerValue) -> String {
        switch value {
        case .text(let text): string(text)
        case .integer(let int): String(int)
        case .decimal(let double): "\(double)"
        case .list(let list): "[" + list.map(string).joined(separator: ",") + "]"
        }
    }

    /// `{name: value}`, keys sorted.
    static func answers(_ answers: Answers) -> String {
        "{" + answers.keys.sorted().map { string($0) + ":" + answer(answers[$0]!) }.joined(separator: ",") + "}"
    }
}
