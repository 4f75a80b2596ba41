import Testing

@testable import DoorstepCore

/// The expression grammar: tokens, precedence, calls and the errors with their columns.
@Suite struct ExpressionParserTests {
    /// The parsed expression written back fully parenthesised by precedence.
    func shape(_ source: String) throws -> String {
        ExpressionWords.source(try FormExpression.parse(source))
    }

    func error(_ source: String) -> ExpressionError? {
        do {
            _ = try FormExpression.parse(source)
            return nil
        } catch {
            return error
        }
    }

    @Test func literalsReferencesAndCurrent() throws {
        #expect(try FormExpression.parse("42") == .number(42))
        #expect(try FormExpression.parse("2.5") == .number(2.5))
        #expect(try FormExpression.parse(".5") == .number(0.5))
        #expect(try FormExpression.parse("'it is'") == .string("it is"))
        #expect(try FormExpression.parse("\"don't\"") == .string("don't"))
        #expect(try FormExpression.parse("${safe_day}") == .reference("safe_day", column: 1))
        #expect(try FormExpression.parse("  ${ safe_day }") == .reference("safe_day", column: 3))
        #expect(try FormExpression.parse(".") == .current(column: 1))
    }

    @Test(arguments: [
        ("1 + 2 * 3", "1 + 2 * 3"),
        ("(1 + 2) * 3", "(1 + 2) * 3"),
        ("1 - 2 - 3", "1 - 2 - 3"),
        ("1 - (2 - 3)", "1 - (2 - 3)"),
        ("${a} = 1 or ${b} = 2 and ${c} = 3", "${a} = 1 or ${b} = 2 and ${c} = 3"),
        ("(${a} = 1 or ${b} = 2) and ${c} = 3", "(${a} = 1 or ${b} = 2) and ${c} = 3"),
        ("${a} + 1 > ${b} * 2", "${a} + 1 > ${b} * 2"),
        ("10 div 2 mod 3", "10 div 2 mod 3"),
        ("-${a} * 2", "-${a} * 2"),
        ("not(. = 'x') and selected(${m}, 'y')", "not(. = 'x') and selected(${m}, 'y')"),
        ("if(${a}>1,'big','small')", "if(${a} > 1, 'big', 'small')"),
        ("count-selected(${m})<=3", "count-selected(${m}) <= 3"),
    ])
    func precedenceRoundTrips(source: String, expected: String) throws {
        #expect(try shape(source) == expected)
    }

    @Test func multiplicationBindsTighterThanAddition() throws {
        guard case .binary(.plus, .number(1), .binary(.times, .number(2), .number(3), _), _) = try FormExpression.parse("1 + 2 * 3")
        else {
            Issue.record("1 + 2 * 3 did not parse as 1 + (2 * 3)")
            return
        }
    }

    @Test func andBindsTighterThanOr() throws {
        guard case .binary(.or, _, .binary(.and, _, _, _), _) = try FormExpression.parse("${a} or ${b} and ${c}") else {
            Issue.record("a or b and c did not parse as a or (b and c)")
            return
        }
    }

    @Test func comparisonBindsTighterThanAndAndLooserThanArithmetic() throws {
        guard case .binary(.and, .binary(.greater, .binary(.plus, _, _, _), _, _), .binary(.equal, _, _, _), _) =
            try FormExpression.parse("${a} + 1 > 2 and ${b} = 'x'")
        else {
            Issue.record("the comparison and arithmetic did not nest as expected")
            return
        }
    }

    @Test func relationalBindsTighterThanEquality() throws {
        guard case .binary(.equal, .binary(.less, _, _, _), _, _) = try FormExpression.parse("1 < 2 = true()") else {
            Issue.record("1 < 2 = true() did not parse as (1 < 2) = true()")
            return
        }
    }

    @Test func referencesAreListedWithColumns() throws {
        let expression = try FormExpression.parse("${a} = 'x' and selected(${b}, 'y')")
        #expect(expression.references.map(\.name) == ["a", "b"])
        #expect(expression.references.map(\.column) == [1, 25])
        #expect(try FormExpression.parse(". > 1 and . < 5").currentColumns == [1, 11])
    }

    @Test func hyphenatedFunctionNamesAreOneWord() throws {
        #expect(try shape("string-length(.) > 0") == "string-length(.) > 0")
        #expect(try shape("${a}-1") == "${a} - 1")
    }

    @Test(arguments: [
        ("", 1, "the expression is empty"),
        ("${a} =", 7, "a value is missing after '='"),
        ("${a} = = 1", 8, "'=' was not expected here"),
        ("${a", 1, "the reference is missing its closing '}'"),
        ("${}", 1, "'${}' is not a question name"),
        ("${two words}", 1, "'${two words}' is not a question name"),
        ("$a", 1, "'$' must start a reference such as ${name}"),
        ("'open", 1, "the text starting here is missing its closing '"),
        ("(1 + 2", 7, "the '(' at column 1 is never closed"),
        ("1 + 2)", 6, "')' was not expected here"),
        ("()", 2, "the parentheses are empty"),
        ("yes", 1, "'yes' is neither a function nor an operator (write ${yes} for a question, 'yes' for text)"),
        ("foo(1)", 1, "'foo()' is not a known function"),
        ("selected(${a})", 1, "selected() takes 2 arguments, not 1"),
        ("today(1)", 1, "today() takes no arguments, not 1"),
        ("not()", 1, "not() takes one argument, not 0"),
        ("if(1, 2)", 1, "if() takes 3 arguments, not 2"),
        ("concat()", 1, "concat() takes at least one argument, not 0"),
        ("regex(., 'a'", 13, "the call to regex() at column 1 is never closed"),
        ("regex(. 'a')", 9, "expected ',' or ')' but found the text 'a'"),
        ("1 ! 2", 3, "'!' must be followed by '=' (use not() to negate)"),
        ("3abc", 1, "'3a' is not a number"),
        ("1 # 2", 3, "'#' is not allowed here"),
        ("and 1", 1, "a value is missing before 'and'"),
        ("1 2", 3, "the number 2 was not expected here"),
        ("${a} = 1 and", 13, "a value is missing after 'and'"),
    ])
    func errorsNameTheColumn(source: String, column: Int, message: String) {
        let found = error(source)
        #expect(found == ExpressionError(column: column, message: message), "for \(source)")
    }
}
