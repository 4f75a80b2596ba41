/// YAML as the importer writes it: block mappings and sequences in the order given, comments
/// where the form keeps something Doorstep does not use, and each scalar plain where YAML reads
/// it back as the same text, double-quoted otherwise.
indirect enum YAMLNode {
    case scalar(String)
    /// Keys and values in order, with comment lines written before the first key.
    case mapping([(key: String, value: YAMLNode)], comments: [String] = [])
    case sequence([YAMLNode])

    /// The node as YAML lines, ending with a newline.
    var text: String {
        lines(indent: "").joined(separator: "\n") + "\n"
    }

    private func lines(indent: String) -> [String] {
        switch self {
        case .scalar(let value):
            return [indent + Self.written(value)]
        case .mapping(let entries, let comments):
            var lines = comments.map { indent + "# " + $0 }
            for (key, value) in entries {
                let head = indent + Self.written(key) + ":"
                switch value {
                case .scalar(let text): lines.append(head + " " + Self.written(text))
                case .mapping, .sequence: lines += [head] + value.lines(indent: indent + "  ")
                }
            }
            return lines
        case .sequence(let items):
            var lines: [String] = []
            for item in items {
                var itemLines = item.lines(indent: indent + "  ")
                // The dash takes the place of the first key's indentation; comments stand above it.
                let first = itemLines.firstIndex { !$0.hasPrefix(indent + "  #") } ?? 0
                for index in 0..<first { itemLines[index] = indent + itemLines[index].dropFirst(indent.count + 2) }
                itemLines[first] = indent + "- " + itemLines[first].dropFirst(indent.count + 2)
                lines += itemLines
            }
            return lines
        }
    }

    /// Text that YAML reads back as itself: plain when nothing in it means something to YAML,
    /// else double-quoted with JSON's escapes (which YAML's double quotes share).
    static func written(_ text: String) -> String {
        isPlain(text) ? text : quoted(text)
    }

    private static func isPlain(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last,
              !first.properties.isWhitespace, !last.properties.isWhitespace,
              !"-?:,[]{}#&*!|>'\"%@`".unicodeScalars.contains(first), last != ":",
              !["~", "null", "Null", "NULL"].contains(text),
              !text.contains(": "), !text.contains(" #")
        else { return false }
        return text.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F && !$0.properties.isWhitespace || $0 == " " }
    }

    private static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || (scalar.properties.isWhitespace && scalar != " ") {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
