import Testing

@testable import DoorstepCore

/// Evaluation with XPath/ODK conversions: empty answers, numbers against text, multi-selects,
/// dates, regular expressions and every function.
@Suite struct ExpressionEvaluatorTests {
    func value(
        _ source: String, _ answers: Answers = [:], current: AnswerValue? = nil, today: String = "2026-11-23"
    ) throws -> ExpressionValue {
        let evaluator = ExpressionEvaluator(answers: answers, current: current, today: today)
        return evaluator.evaluate(try FormExpression.parse(source))
    }

    func truth(_ source: String, _ answers: Answers = [:], current: AnswerValue? = nil) throws -> Bool {
        try value(source, answers, current: current).asBoolean
    }

    func number(_ source: String, _ answers: Answers = [:]) throws -> Double {
        try value(source, answers).asNumber
    }

    // MARK: Arithmetic and precedence

    @Test func arithmeticFollowsPrecedence() throws {
        #expect(try number("1 + 2 * 3") == 7)
        #expect(try number("(1 + 2) * 3") == 9)
        #expect(try number("10 - 4 - 3") == 3)
        #expect(try number("7 div 2") == 3.5)
        #expect(try number("7 mod 3") == 1)
        #expect(try number("-7 mod 3") == -1)
        #expect(try number("2 * -3") == -6)
        #expect(try number("-(2 + 3)") == -5)
        #expect(try number("1 div 0") == .infinity)
        #expect(try value("0 div 0").asString == "NaN")
    }

    @Test func logicShortCircuitsAndGroups() throws {
        #expect(try truth("1 = 1 or 1 = 2 and 1 = 2"))
        #expect(try !truth("(1 = 1 or 1 = 2) and 1 = 2"))
        #expect(try truth("not(1 = 2)"))
        #expect(try truth("true() and not(false())"))
    }

    // MARK: Answers in expressions

    @Test func answersBecomeNumbersOrText() throws {
        let answers: Answers = ["age": .integer(70), "height": .decimal(1.75), "name": .text("Sam")]
        #expect(try truth("${age} >= 65", answers))
        #expect(try truth("${height} * 100 = 175", answers))
        #expect(try truth("${name} = 'Sam'", answers))
        #expect(try !truth("${name} = 'sam'", answers))
    }

    @Test func emptyAnswersCompareAsEmptyText() throws {
        #expect(try truth("${missing} = ''"))
        #expect(try !truth("${missing} != ''"))
        #expect(try truth("${missing} != 'yes'"))
        #expect(try !truth("${missing} = 'yes'"))
        #expect(try truth("${answered} != ''", ["answered": .text("no")]))
        #expect(try truth("string-length(${missing}) = 0"))
        #expect(try truth("count-selected(${missing}) = 0"))
        #expect(try !truth("${missing}"))
    }

    @Test func emptyAnswersAreNaNInArithmeticAndOrder() throws {
        #expect(try !truth("${age} > 18"))
        #expect(try !truth("${age} <= 18"))
        #expect(try !truth("${age} = 0"))
        #expect(try truth("${age} != 0"))
        #expect(try value("${age} + 1").asNumber.isNaN)
    }

    @Test func numbersAgainstTextAreComparedAsNumbers() throws {
        #expect(try truth("'3' = 3"))
        #expect(try truth("'03' = 3"))
        #expect(try truth("' 3 ' = 3"))
        #expect(try !truth("'three' = 3"))
        #expect(try truth("'10' > 9"))
        #expect(try truth("${rating} = 5", ["rating": .text("5")]))
        #expect(try truth("${count} = '2'", ["count": .integer(2)]))
        // Text against text is compared as text, so these differ.
        #expect(try !truth("'03' = '3'"))
        // Ordering always compares numbers; text that is no number is never ordered.
        #expect(try !truth("'b' > 'a'"))
    }

    @Test func booleansWinComparisons() throws {
        #expect(try truth("(1 = 1) = 'anything'"))
        #expect(try truth("(1 = 2) = ''"))
        #expect(try truth("true() = 1"))
        #expect(try truth("false() = 0"))
    }

    @Test func currentAnswerIsDot() throws {
        #expect(try truth(". >= 1 and . <= 20", current: .integer(4)))
        #expect(try !truth(". >= 1 and . <= 20", current: .integer(21)))
        #expect(try truth(". = 'x'", current: .text("x")))
        #expect(try truth(". = ''"))
    }

    // MARK: Multi-selects

    @Test func selectedOnMultiSelects() throws {
        let answers: Answers = ["problems": .list(["drug_dealing", "asb", "other"]), "one": .text("yes")]
        #expect(try truth("selected(${problems}, 'asb')", answers))
        #expect(try truth("selected(${problems}, 'other')", answers))
        #expect(try !truth("selected(${problems}, 'arson')", answers))
        #expect(try !truth("selected(${problems}, 'drug')", answers))
        #expect(try truth("selected(${problems}, ' asb ')", answers))
        #expect(try truth("selected(${one}, 'yes')", answers))
        #expect(try !truth("selected(${missing}, 'yes')", answers))
        #expect(try truth("selected(., 'b')", current: .list(["a", "b"])))
        #expect(try truth("selected(${text_form}, 'b')", ["text_form": .text("a b  c")]))
    }

    @Test func countSelected() throws {
        #expect(try number("count-selected(${m})", ["m": .list(["a", "b", "c"])]) == 3)
        #expect(try number("count-selected(${m})", ["m": .list([])]) == 0)
        #expect(try number("count-selected(${m})", ["m": .text(" a  b ")]) == 2)
        #expect(try number("count-selected(${m})") == 0)
    }

    @Test func multiSelectReadsAsSpaceSeparatedText() throws {
        #expect(try value("${m}", ["m": .list(["a", "b"])]) == .string("a b"))
        #expect(try truth("${m} = 'a b'", ["m": .list(["a", "b"])]))
    }

    // MARK: Functions

    @Test func stringLengthCountsCodePoints() throws {
        #expect(try number("string-length('hello')") == 5)
        #expect(try number("string-length('caf\u{E9}')") == 4)
        #expect(try number("string-length('cafe\u{301}')") == 5)
        #expect(try number("string-length(.)") == 0)
        #expect(try number("string-length(${n})", ["n": .integer(1234)]) == 4)
    }

    @Test func regexSearchesUnlessAnchored() throws {
        #expect(try truth("regex('LS1 4AB', '[A-Z]{1,2}[0-9]')"))
        #expect(try truth("regex('xx LS1 4AB', '[0-9][A-Z]{2}')"))
        #expect(try !truth("regex('xx LS1 4AB', '^[A-Z]{1,2}[0-9]')"))
        #expect(try truth("regex(., '^(\\+44 ?|0)[0-9 ]{9,12}$')", current: .text("07700 900123")))
        #expect(try truth("regex(., '^(\\+44 ?|0)[0-9 ]{9,12}$')", current: .text("+44 7700 900123")))
        #expect(try !truth("regex(., '^(\\+44 ?|0)[0-9 ]{9,12}$')", current: .text("7700 900123")))
        #expect(try !truth("regex(., '^(\\+44 ?|0)[0-9 ]{9,12}$')", current: .text("07700 900123 ext 4")))
        #expect(try truth("regex(., '^[^@ ]+@[^@ ]+\\.[^@ ]+$')", current: .text("a.b@example.org")))
        #expect(try !truth("regex(., '^[^@ ]+@[^@ ]+\\.[^@ ]+$')", current: .text("a.b@example")))
    }

    @Test func regexWithABrokenPatternIsFalse() throws {
        #expect(try !truth("regex('abc', ${pattern})", ["pattern": .text("[a-")]))
        #expect(try truth("regex('abc', ${pattern})", ["pattern": .text("^a")]))
    }

    @Test func ifChoosesABranch() throws {
        #expect(try value("if(${a} > 1, 'big', 'small')", ["a": .integer(2)]) == .string("big"))
        #expect(try value("if(${a} > 1, 'big', 'small')", ["a": .integer(1)]) == .string("small"))
        #expect(try value("if(${a} > 1, 'big', 'small')") == .string("small"))
        #expect(try number("if(selected(${m}, 'none'), 0, count-selected(${m}))", ["m": .list(["a", "b"])]) == 2)
        #expect(try number("if(selected(${m}, 'none'), 0, count-selected(${m}))", ["m": .list(["none"])]) == 0)
    }

    @Test func coalesceSkipsEmptyAnswers() throws {
        #expect(try value("coalesce(${a}, 'fallback')") == .string("fallback"))
        #expect(try value("coalesce(${a}, 'fallback')", ["a": .text("given")]) == .string("given"))
        #expect(try number("coalesce(${a}, 0) + 1", ["a": .integer(4)]) == 5)
        #expect(try number("coalesce(${a}, 0) + 1") == 1)
        #expect(try value("coalesce(0 div 0, 'nan skipped')") == .string("nan skipped"))
    }

    @Test func concatNumberAndInt() throws {
        #expect(try value("concat('a', 1, '-', 2.5)") == .string("a1-2.5"))
        #expect(try number("number('12.5')") == 12.5)
        #expect(try number("number('1e3')").isNaN)
        #expect(try number("int(7.9)") == 7)
        #expect(try number("int(-7.9)") == -7)
        #expect(try number("int('x')").isNaN)
    }

    // MARK: Dates

    @Test func todayIsInjected() throws {
        #expect(try value("today()", today: "2026-03-01") == .string("2026-03-01"))
        #expect(try truth("today() = '2026-11-23'"))
    }

    @Test func datesCompareAsDays() throws {
        let answers: Answers = ["visit": .text("2026-11-30"), "past": .text("2026-11-22"), "dob": .text("1950-06-15")]
        #expect(try truth("${visit} >= today()", answers))
        #expect(try !truth("${past} >= today()", answers))
        #expect(try truth("${past} < today()", answers))
        #expect(try number("today() - ${past}", answers) == 1)
        #expect(try number("${visit} - today()", answers) == 7)
        #expect(try truth("int((today() - ${dob}) div 365.25) >= 65", answers))
        #expect(try truth("'2024-03-01' - '2024-02-28' = 2"))
        #expect(try truth("'2023-03-01' - '2023-02-28' = 1"))
        #expect(try number("'1970-01-01'") == 0)
        #expect(try number("'1969-12-31'") == -1)
        #expect(try number("'2000-03-01'") == 11_017)
    }

    @Test func calendarDatesAreReal() {
        #expect(CalendarDate("2024-02-29") != nil)
        #expect(CalendarDate("2023-02-29") == nil)
        #expect(CalendarDate("2000-02-29") != nil)
        #expect(CalendarDate("1900-02-29") == nil)
        #expect(CalendarDate("2026-04-31") == nil)
        #expect(CalendarDate("2026-12-31") != nil)
        #expect(CalendarDate("2026-13-01") == nil)
        #expect(CalendarDate("2026-00-10") == nil)
        #expect(CalendarDate("2026-01-00") == nil)
        #expect(CalendarDate("0000-01-01") == nil)
        #expect(CalendarDate("2026-1-5") == nil)
        #expect(CalendarDate("26-01-05") == nil)
        #expect(CalendarDate("2026/01/05") == nil)
        #expect(CalendarDate("2026-01-05T00:00") == nil)
        #expect(CalendarDate("２０２６-01-05") == nil)
    }

    // MARK: Conversions

    @Test func numbersPrintWithoutTrailingZero() {
        #expect(ExpressionValue.number(3).asString == "3")
        #expect(ExpressionValue.number(2.5).asString == "2.5")
        #expect(ExpressionValue.number(-.infinity).asString == "-Infinity")
        #expect(ExpressionValue.boolean(true).asString == "true")
    }

    @Test func xpathNumbersAreStrict() {
        #expect(ExpressionValue.xpathNumber("12") == 12)
        #expect(ExpressionValue.xpathNumber("-1.5") == -1.5)
        #expect(ExpressionValue.xpathNumber("-.5") == -0.5)
        #expect(ExpressionValue.xpathNumber("5.") == 5)
        #expect(ExpressionValue.xpathNumber(" \t12\r\n") == 12)
        #expect(ExpressionValue.xpathNumber("+.5") == nil)
        #expect(ExpressionValue.xpathNumber("+3") == nil)
        #expect(ExpressionValue.xpathNumber("- 3") == nil)
        #expect(ExpressionValue.xpathNumber("\u{A0}3") == nil)
        #expect(ExpressionValue.xpathNumber(".") == nil)
        #expect(ExpressionValue.xpathNumber("-") == nil)
        #expect(ExpressionValue.xpathNumber("1.2.3") == nil)
        #expect(ExpressionValue.xpathNumber("1e5") == nil)
        #expect(ExpressionValue.xpathNumber("nan") == nil)
        #expect(ExpressionValue.xpathNumber("Infinity") == nil)
        #expect(ExpressionValue.xpathNumber("1-2") == nil)
        #expect(ExpressionValue.xpathNumber("") == nil)
    }

    @Test func decimalAnswersMayAlsoBeSignedPlus() {
        #expect(AnswerValidator.decimal(typed: "+.5") == 0.5)
        #expect(AnswerValidator.decimal(typed: "+2.5") == 2.5)
        #expect(AnswerValidator.decimal(typed: "-2.5") == -2.5)
        #expect(AnswerValidator.decimal(typed: "+-2") == nil)
        #expect(AnswerValidator.decimal(typed: "+ 2") == nil)
        #expect(AnswerValidator.decimal(typed: "+") == nil)
    }
}
