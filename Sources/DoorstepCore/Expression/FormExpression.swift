/// A parsed XLSForm expression, as written in `relevant`, `constraint`, `calculate` and
/// `choice_filter`.
///
/// Parse one with ``parse(_:)``; evaluate it with ``ExpressionEvaluator``. See `docs/forms.md`.
indirect enum FormExpression: Hashable, Sendable {
    case number(Double)
    case string(String)
    /// `${name}`: the answer to another question.
    case reference(String, column: Int)
    /// A reference resolved to the question's index in its form (see ``resolved(_:)``).
    case slot(Int)
    /// `.`: the answer being checked by a constraint.
    case current(column: Int)
    /// A bare word in a `choice_filter`: that column of the choice being filtered (`name`, or a
    /// column such as `county`).
    case property(String, column: Int)
    /// Unary minus.
    case negate(FormExpression, column: Int)
    case binary(BinaryOperator, FormExpression, FormExpression, column: Int)
    case call(ExpressionFunction, [FormExpression], column: Int)

    /// Parses `source`, or throws the first error with its column.
    /// With `choiceProperties`, as in a `choice_filter`, a bare word names a column of the choice.
    static func parse(_ source: String, choiceProperties: Bool = false) throws(ExpressionError) -> FormExpression {
        var lexer = ExpressionLexer(source)
        var parser = ExpressionParser(tokens: try lexer.tokens(), choiceProperties: choiceProperties)
        return try parser.parseWhole()
    }

    /// Every `${name}` it reads, with the column of each, in source order.
    var references: [(name: String, column: Int)] {
        switch self {
        case .number, .string, .current, .slot, .property: []
        case .reference(let name, let column): [(name, column)]
        case .negate(let operand, _): operand.references
        case .binary(_, let left, let right, _): left.references + right.references
        case .call(_, let arguments, _): arguments.flatMap(\.references)
        }
    }

    /// Every choice column it reads, with the column of each, in source order.
    var properties: [(name: String, column: Int)] {
        allNodes.compactMap { node in
            if case .property(let name, let column) = node { return (name, column) }
            return nil
        }
    }

    /// The column of every `.` it reads.
    var currentColumns: [Int] {
        switch self {
        case .number, .string, .reference, .slot, .property: []
        case .current(let column): [column]
        case .negate(let operand, _): operand.currentColumns
        case .binary(_, let left, let right, _): left.currentColumns + right.currentColumns
        case .call(_, let arguments, _): arguments.flatMap(\.currentColumns)
        }
    }

    /// The expression with each `${name}` found in `indexes` replaced by its slot, so evaluation
    /// reads answers by position instead of by name.
    func resolved(_ indexes: [String: Int]) -> FormExpression {
        switch self {
        case .number, .string, .current, .slot, .property: self
        case .reference(let name, _): indexes[name].map(FormExpression.slot) ?? self
        case .negate(let operand, let column): .negate(operand.resolved(indexes), column: column)
        case .binary(let op, let left, let right, let column):
            .binary(op, left.resolved(indexes), right.resolved(indexes), column: column)
        case .call(let function, let arguments, let column):
            .call(function, arguments.map { $0.resolved(indexes) }, column: column)
        }
    }

    /// Every node, this one first, depth first.
    var allNodes: [FormExpression] {
        switch self {
        case .number, .string, .reference, .current, .slot, .property: [self]
        case .negate(let operand, _): [self] + operand.allNodes
        case .binary(_, let left, let right, _): [self] + left.allNodes + right.allNodes
        case .call(_, let arguments, _): [self] + arguments.flatMap(\.allNodes)
        }
    }
}

/// The infix operators, loosest first.
enum BinaryOperator: String, Hashable, Sendable {
    case or, and
    case equal = "=", notEqual = "!="
    case less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    case plus = "+", minus = "-"
    case times = "*", divide = "div", modulo = "mod"

    /// Higher binds tighter: `or` 1, `and` 2, `= !=` 3, `< <= > >=` 4, `+ -` 5, `* div mod` 6.
    var precedence: Int {
        switch self {
        case .or: 1
        case .and: 2
        case .equal, .notEqual: 3
        case .less, .lessOrEqual, .greater, .greaterOrEqual: 4
        case .plus, .minus: 5
        case .times, .divide, .modulo: 6
        }
    }
}

/// The functions an expression may call: XLSForm's (ODK XForms) names, with XPath 1.0's
/// conversions and JavaRosa's behaviour where the specification is silent (see `docs/forms.md`).
enum ExpressionFunction: String, Hashable, Sendable, CaseIterable {
    // Logic
    case not
    case `true`
    case `false`
    case boolean
    case booleanFromString = "boolean-from-string"
    case `if`
    case coalesce
    case once
    // Choices
    case selected
    case selectedAt = "selected-at"
    case countSelected = "count-selected"
    case choiceName = "jr:choice-name"
    // Text
    case string
    case concat
    case join
    case stringLength = "string-length"
    case substr
    case substringBefore = "substring-before"
    case substringAfter = "substring-after"
    case contains
    case startsWith = "starts-with"
    case endsWith = "ends-with"
    case translate
    case normalizeSpace = "normalize-space"
    case regex
    case uuid
    // Numbers
    case number
    case int
    case round
    case pow
    case abs
    case sqrt
    case log
    case exp
    case pi
    case sum
    case max
    case min
    case count
    case countNonEmpty = "count-non-empty"
    // Dates and times
    case today
    case now
    case date
    case dateTime = "date-time"
    case decimalDateTime = "decimal-date-time"
    case formatDate = "format-date"
    case formatDateTime = "format-date-time"

    /// How many arguments it takes.
    var arity: ClosedRange<Int> {
        switch self {
        case .today, .now, .true, .false, .pi: 0...0
        case .uuid: 0...1
        case .not, .boolean, .booleanFromString, .once, .countSelected, .string, .stringLength, .normalizeSpace,
            .number, .int, .abs, .sqrt, .log, .exp, .date, .dateTime, .decimalDateTime:
            1...1
        case .round: 1...2
        case .selected, .selectedAt, .choiceName, .coalesce, .regex, .substringBefore, .substringAfter, .contains,
            .startsWith, .endsWith, .pow, .formatDate, .formatDateTime:
            2...2
        case .substr: 2...3
        case .if, .translate: 3...3
        case .concat, .join, .sum, .max, .min, .count, .countNonEmpty: 1...Int.max
        }
    }

    /// Whether a calculation that calls it keeps the value it was first given: its result depends
    /// on when or where it runs (`now()`, `uuid()`), or it says so (`once()`).
    var keepsFirstValue: Bool {
        self == .once || self == .now || self == .uuid
    }

    /// "one argument", "2 arguments", "at least one argument", "1 to 2 arguments".
    var arityDescription: String {
        if arity.upperBound == Int.max { return arity.lowerBound == 1 ? "at least one argument" : "at least \(arity.lowerBound) arguments" }
        if arity.lowerBound != arity.upperBound { return "\(arity.lowerBound) to \(arity.upperBound) arguments" }
        switch arity.lowerBound {
        case 0: return "no arguments"
        case 1: return "one argument"
        default: return "\(arity.lowerBound) arguments"
        }
    }
}

/// Why an expression cannot be read: the 1-based column and what is wrong there.
struct ExpressionError: Error, Hashable, Sendable {
    var column: Int
    var message: String
}

/// A Pratt parser over the lexer's tokens.
private struct ExpressionParser {
    let tokens: [ExpressionToken]
    /// Whether a bare word is a column of the choice being filtered.
    let choiceProperties: Bool
    var index = 0

    init(tokens: [ExpressionToken], choiceProperties: Bool) {
        self.tokens = tokens
        self.choiceProperties = choiceProperties
    }

    var current: ExpressionToken { tokens[index] }

    mutating func advance() -> ExpressionToken {
        let token = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    mutating func parseWhole() throws(ExpressionError) -> FormExpression {
        if current.kind == .end {
            throw ExpressionError(column: current.column, message: "the expression is empty")
        }
        let expression = try parse(minimumPrecedence: 1)
        guard current.kind == .end else {
            throw ExpressionError(column: current.column, message: "\(Self.describe(current)) was not expected here")
        }
        return expression
    }

    /// The operator the current token spells, if it is one.
    func binaryOperator() -> BinaryOperator? {
        switch current.kind {
        case .symbol(let symbol): BinaryOperator(rawValue: symbol)
        case .word(let word): ["or", "and", "div", "mod"].contains(word) ? BinaryOperator(rawValue: word) : nil
        default: nil
        }
    }

    mutating func parse(minimumPrecedence: Int) throws(ExpressionError) -> FormExpression {
        var left = try parsePrefix()
        while let op = binaryOperator(), op.precedence >= minimumPrecedence {
            let token = advance()
            if current.kind == .end {
                throw ExpressionError(column: current.column, message: "a value is missing after '\(op.rawValue)'")
            }
            let right = try parse(minimumPrecedence: op.precedence + 1)
            left = .binary(op, left, right, column: token.column)
        }
        return left
    }

    mutating func parsePrefix() throws(ExpressionError) -> FormExpression {
        let token = advance()
        switch token.kind {
        case .number(let value): return .number(value)
        case .string(let value): return .string(value)
        case .reference(let name): return .reference(name, column: token.column)
        case .current: return .current(column: token.column)
        case .symbol("-"):
            return .negate(try parse(minimumPrecedence: 7), column: token.column)
        case .leftParen:
            if current.kind == .rightParen {
                throw ExpressionError(column: current.column, message: "the parentheses are empty")
            }
            let inner = try parse(minimumPrecedence: 1)
            guard current.kind == .rightParen else {
                throw ExpressionError(
                    column: current.column,
                    message: current.kind == .end
                        ? "the '(' at column \(token.column) is never closed"
                        : "expected ')' but found \(Self.describe(current))"
                )
            }
            _ = advance()
            return inner
        case .word(let word):
            guard current.kind == .leftParen else {
                if ["and", "or", "div", "mod"].contains(word) {
                    throw ExpressionError(column: token.column, message: "a value is missing before '\(word)'")
                }
                if choiceProperties { return .property(word, column: token.column) }
                throw ExpressionError(
                    column: token.column,
                    message: "'\(word)' is neither a function nor an operator (write ${\(word)} for a question, '\(word)' for text)"
                )
            }
            guard let function = ExpressionFunction(rawValue: word) else {
                throw ExpressionError(column: token.column, message: "'\(word)()' is not a known function")
            }
            _ = advance()
            var arguments: [FormExpression] = []
            if current.kind != .rightParen {
                while true {
                    arguments.append(try parse(minimumPrecedence: 1))
                    if current.kind == .comma {
                        _ = advance()
                        continue
                    }
                    break
                }
            }
            guard current.kind == .rightParen else {
                throw ExpressionError(
                    column: current.column,
                    message: current.kind == .end
                        ? "the call to \(word)() at column \(token.column) is never closed"
                        : "expected ',' or ')' but found \(Self.describe(current))"
                )
            }
            _ = advance()
            guard function.arity.contains(arguments.count) else {
                throw ExpressionError(
                    column: token.column,
                    message: "\(word)() takes \(function.arityDescription), not \(arguments.count)"
                )
            }
            return .call(function, arguments, column: token.column)
        case .end:
            throw ExpressionError(column: token.column, message: "the expression ends too soon")
        default:
            throw ExpressionError(column: token.column, message: "\(Self.describe(token)) was not expected here")
        }
    }

    static func describe(_ token: ExpressionToken) -> String {
        switch token.kind {
        case .reference(let name): "'${\(name)}'"
        case .current: "'.'"
        case .number(let value): "the number \(ExpressionValue.xpathString(value))"
        case .string(let value): "the text '\(value)'"
        case .word(let word): "'\(word)'"
        case .symbol(let symbol): "'\(symbol)'"
        case .leftParen: "'('"
        case .rightParen: "')'"
        case .comma: "','"
        case .end: "the end"
        }
    }
}
