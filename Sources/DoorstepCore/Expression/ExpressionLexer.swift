/// One token of an XLSForm expression, with the 1-based column where it starts.
struct ExpressionToken: Hashable, Sendable {
    enum Kind: Hashable, Sendable {
        /// `${name}`
        case reference(String)
        /// `.`, the answer being checked.
        case current
        case number(Double)
        case string(String)
        /// A bare word: `and`, `or`, `div`, `mod` or a function name.
        case word(String)
        case symbol(String)
        case leftParen
        case rightParen
        case comma
        case end
    }

    var kind: Kind
    var column: Int
}

/// Splits an expression into tokens; the first character it cannot read is an error.
struct ExpressionLexer {
    private let characters: [Character]
    private var index = 0

    init(_ source: String) {
        characters = Array(source)
    }

    /// Every token, ending with `.end`.
    mutating func tokens() throws(ExpressionError) -> [ExpressionToken] {
        var result: [ExpressionToken] = []
        while true {
            let token = try next()
            result.append(token)
            if token.kind == .end { return result }
        }
    }

    private var column: Int { index + 1 }

    private func peek(_ offset: Int = 0) -> Character? {
        index + offset < characters.count ? characters[index + offset] : nil
    }

    private mutating func next() throws(ExpressionError) -> ExpressionToken {
        while let character = peek(), character.isWhitespace { index += 1 }
        let start = column
        guard let character = peek() else { return ExpressionToken(kind: .end, column: start) }
        switch character {
        case "$":
            guard peek(1) == "{" else {
                throw ExpressionError(column: start, message: "'$' must start a reference such as ${name}")
            }
            index += 2
            var name = ""
            while let inner = peek(), inner != "}" {
                name.append(inner)
                index += 1
            }
            guard peek() == "}" else {
                throw ExpressionError(column: start, message: "the reference is missing its closing '}'")
            }
            index += 1
            let trimmed = name.trimmingWhitespace()
            guard !trimmed.isEmpty, FormNames.isValid(trimmed) else {
                throw ExpressionError(column: start, message: "'${\(name)}' is not a question name")
            }
            return ExpressionToken(kind: .reference(trimmed), column: start)
        case "'", "\"":
            index += 1
            var text = ""
            while let inner = peek(), inner != character {
                text.append(inner)
                index += 1
            }
            guard peek() == character else {
                throw ExpressionError(column: start, message: "the text starting here is missing its closing \(character)")
            }
            index += 1
            return ExpressionToken(kind: .string(text), column: start)
        case "(": index += 1; return ExpressionToken(kind: .leftParen, column: start)
        case ")": index += 1; return ExpressionToken(kind: .rightParen, column: start)
        case ",": index += 1; return ExpressionToken(kind: .comma, column: start)
        case "=", "+", "-", "*":
            index += 1
            return ExpressionToken(kind: .symbol(String(character)), column: start)
        case "!":
            guard peek(1) == "=" else {
                throw ExpressionError(column: start, message: "'!' must be followed by '=' (use not() to negate)")
            }
            index += 2
            return ExpressionToken(kind: .symbol("!="), column: start)
        case "<", ">":
            index += 1
            if peek() == "=" {
                index += 1
                return ExpressionToken(kind: .symbol("\(character)="), column: start)
            }
            return ExpressionToken(kind: .symbol(String(character)), column: start)
        case ".":
            if let after = peek(1), after.isASCIIDigit { return try number(start: start) }
            index += 1
            return ExpressionToken(kind: .current, column: start)
        default:
            if character.isASCIIDigit { return try number(start: start) }
            if character.isASCIILetter || character == "_" {
                var word = ""
                // `jr:` is the one namespace prefix XLSForm functions use (`jr:choice-name`).
                while let inner = peek(), inner.isASCIILetter || inner.isASCIIDigit || inner == "_" || inner == "-" || (inner == ":" && word == "jr") {
                    word.append(inner)
                    index += 1
                }
                return ExpressionToken(kind: .word(word), column: start)
            }
            throw ExpressionError(column: start, message: "'\(character)' is not allowed here")
        }
    }

    private mutating func number(start: Int) throws(ExpressionError) -> ExpressionToken {
        var text = ""
        var seenPoint = false
        while let character = peek(), character.isASCIIDigit || (character == "." && !seenPoint) {
            if character == "." { seenPoint = true }
            text.append(character)
            index += 1
        }
        if let after = peek(), after.isASCIILetter || after == "_" {
            throw ExpressionError(column: start, message: "'\(text)\(after)' is not a number")
        }
        guard let value = Double(text) else {
            throw ExpressionError(column: start, message: "'\(text)' is not a number")
        }
        return ExpressionToken(kind: .number(value), column: start)
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
    var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
}

extension Unicode.Scalar {
    /// White space, with a fast path for ASCII.
    var isSpace: Bool {
        isASCII ? self == " " || ("\t"..."\r").contains(self) : properties.isWhitespace
    }
}

extension String {
    /// The text without leading and trailing white space.
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.first, let last = scalars.last else { return self }
        if !first.isSpace, !last.isSpace { return self }
        guard let start = scalars.firstIndex(where: { !$0.isSpace }),
            let end = scalars.lastIndex(where: { !$0.isSpace })
        else { return "" }
        return String(scalars[start...end])
    }

    /// The words of the text, split at white space: the choice names of a multi-select answer.
    func spaceSeparatedWords() -> [String] {
        unicodeScalars.split(whereSeparator: \.isSpace).map { String($0) }
    }
}
