import Testing

@testable import DoorstepCore

/// Expressions give what XPath 1.0 and ODK (JavaRosa) give: each case is an expression and the
/// text XPath's `string()` makes of its value. Cases come from the XPath 1.0 recommendation's
/// conversion rules and from differences a differential test against an XPath engine found.
@Suite("ODK and XPath 1.0 expression cases")
struct ODKExpressionCaseTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let expression: String
        let expected: String
        var answers: Answers = [:]

        init(_ expression: String, _ expected: String, _ answers: Answers = [:]) {
            self.expression = expression
            self.expected = expected
            self.answers = answers
        }

        var testDescription: String { "\(expression) → \(expected)" }
    }

    /// Numbers as `string()` writes them: no exponent, no trailing `.0`, the fewest digits that
    /// read back as the same number.
    static let numberText: [Case] = [
        Case("concat(0.00001)", "0.00001"),
        Case("0.00001", "0.00001"),
        Case("0.000001234", "0.000001234"),
        Case("1 div 10000000", "0.0000001"),
        Case("1000000000000000 * 1", "1000000000000000"),
        Case("1000000000000000000000", "1000000000000000000000"),
        Case("1000000000000000000000 * 1000", "1000000000000000000000000"),
        Case("12345678901234567890", "12345678901234567000"),
        Case("9007199254740993", "9007199254740992"),
        Case("10000000000 + 0.5", "10000000000.5"),
        Case("1 div 3", "0.3333333333333333"),
        Case("2 div 3", "0.6666666666666666"),
        Case("0.1 + 0.2", "0.30000000000000004"),
        Case("4.35 * 100", "434.99999999999994"),
        Case("3.0", "3"),
        Case("2.50", "2.5"),
        Case("-1.5", "-1.5"),
        Case("123456.789", "123456.789"),
        Case("concat('a', 1, '-', 2.5)", "a1-2.5"),
        Case("concat(${d})", "0.00001", ["d": .decimal(0.00001)]),
        Case("${d} * 2", "0.00002", ["d": .decimal(0.00001)]),
    ]

    /// Zero, infinities and NaN.
    static let specialNumbers: [Case] = [
        Case("-0", "0"),
        Case("0 * -1", "0"),
        Case("1 div -0", "-Infinity"),
        Case("100 div 0", "Infinity"),
        Case("-100 div 0", "-Infinity"),
        Case("concat(1 div 0)", "Infinity"),
        Case("0 div 0", "NaN"),
        Case("1 div 0 - 1 div 0", "NaN"),
        Case("5 mod 0", "NaN"),
        Case("5 mod 2", "1"),
        Case("-5 mod 2", "-1"),
        Case("5 mod -2", "1"),
        Case("5.5 mod 2", "1.5"),
        Case("(1 div 0) > 1000000", "true"),
        Case("(0 div 0) = (0 div 0)", "false"),
        Case("(0 div 0) != (0 div 0)", "true"),
    ]

    /// Text to number as XPath 1.0's `number()`: optional ASCII white space, an optional `-`,
    /// digits with an optional fraction; a date `YYYY-MM-DD` is its day number (ODK's extension).
    static let textToNumber: [Case] = [
        Case("number('')", "NaN"),
        Case("number('12.5')", "12.5"),
        Case("number(' 12 ')", "12"),
        Case("number('\t12\r\n')", "12"),
        Case("number('-3')", "-3"),
        Case("number('-.5')", "-0.5"),
        Case("number('5.')", "5"),
        Case("number('+3')", "NaN"),
        Case("'+3' + 0", "NaN"),
        Case("'+3' = 3", "false"),
        Case("number('- 3')", "NaN"),
        Case("number('--3')", "NaN"),
        Case("number('\u{A0}3')", "NaN"),
        Case("number('3\u{A0}')", "NaN"),
        Case("number('1e3')", "NaN"),
        Case("number('0x10')", "NaN"),
        Case("number('1,5')", "NaN"),
        Case("number('Infinity')", "NaN"),
        Case("number('.')", "NaN"),
        Case("number('٣')", "NaN"),
        Case("${age} + 1", "NaN"),
        Case("${age} + 1", "71", ["age": .integer(70)]),
        Case("${rating} * 2", "10", ["rating": .text(" 5 ")]),
        Case("number('1970-01-02')", "1"),
        Case("'2026-11-23' - '2026-11-01'", "22"),
        Case("number(' 2000-03-01 ')", "11017"),
        Case("number(true())", "1"),
        Case("number(false())", "0"),
    ]

    /// `int()`: the fraction cut off towards zero; NaN and infinities kept.
    static let wholeNumbers: [Case] = [
        Case("int(7.9)", "7"),
        Case("int(-7.9)", "-7"),
        Case("int(-0.5)", "0"),
        Case("int('12.7')", "12"),
        Case("int('')", "NaN"),
        Case("int('x')", "NaN"),
        Case("int(1 div 0)", "Infinity"),
        Case("int(-1 div 0)", "-Infinity"),
        Case("int(1000000000000000000000.5)", "1000000000000000000000"),
    ]

    /// `string-length()` counts Unicode code points, as XML counts characters.
    static let stringLengths: [Case] = [
        Case("string-length('hello')", "5"),
        Case("string-length('caf\u{E9}')", "4"),
        Case("string-length('cafe\u{301}')", "5"),
        Case("string-length('\u{1F1EC}\u{1F1E7}')", "2"),
        Case("string-length('\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}')", "5"),
        Case("string-length('\r\n')", "2"),
        Case("string-length('')", "0"),
        Case("string-length(${missing})", "0"),
        Case("string-length(1 div 3)", "18"),
        Case("string-length(${n})", "7", ["n": .decimal(0.00001)]),
    ]

    /// Booleans: text is true when non-empty (so the text 'false' is true), a number when neither
    /// 0 nor NaN; `=` compares as booleans when either side is one.
    static let booleans: [Case] = [
        Case("true()", "true"),
        Case("1 = 1", "true"),
        Case("concat(1 = 1, '/', 1 = 2)", "true/false"),
        Case("if('false', 'yes', 'no')", "yes"),
        Case("not('false')", "false"),
        Case("'false' and true()", "true"),
        Case("not('')", "true"),
        Case("not(0)", "true"),
        Case("not(0 div 0)", "true"),
        Case("not(-0.0001)", "false"),
        Case("not(${missing})", "true"),
        Case("true() = 'false'", "true"),
        Case("false() = ''", "true"),
        Case("false() = 0", "true"),
        Case("true() = 2", "true"),
        Case("1 = '1.0'", "true"),
        Case("'abc' = 'abc '", "false"),
        Case("true() + 1", "2"),
        Case("true() > false()", "true"),
        Case("if(1 div 0, 'yes', 'no')", "yes"),
        Case("coalesce(0 div 0, 'fallback')", "fallback"),
        Case("coalesce(false(), 'fallback')", "false"),
    ]

    @Test(arguments: numberText + specialNumbers + textToNumber + wholeNumbers + stringLengths + booleans)
    func expressionGivesWhatXPathGives(_ example: Case) throws {
        let evaluator = ExpressionEvaluator(answers: example.answers, today: "2026-11-23")
        #expect(evaluator.evaluate(try FormExpression.parse(example.expression)).asString == example.expected)
    }

    // MARK: Calculations keep their type

    /// A form with an `age`, a calculation `adult` and a calculation `probe` that reads it.
    static func form(probe: String, adult: String = "${age} >= 18") throws -> FormDefinition {
        try FormDefinition.parse(
            yaml: """
                id: typed
                version: 1
                questions:
                  - {name: age, type: integer, label: Age}
                  - {name: adult, type: calculate, calculate: "\(adult)"}
                  - {name: probe, type: calculate, calculate: "\(probe)"}
                """
        )
    }

    /// Reading a calculation: (what `probe` calculates, the age, what `probe` stores).
    static let readingACalculation: [(String, Int, String?)] = [
        ("${adult}", 10, "false"),
        ("${adult}", 30, "true"),
        ("not(${adult})", 10, "true"),
        ("not(${adult})", 30, "false"),
        ("if(${adult}, 'adult', 'child')", 10, "child"),
        ("if(${adult}, 'adult', 'child')", 30, "adult"),
        ("${adult} and true()", 10, "false"),
        ("${adult} or false()", 10, "false"),
        ("${adult} or false()", 30, "true"),
        ("${adult} = false()", 10, "true"),
        ("${adult} + 0", 10, "0"),
        ("${adult} + 0", 30, "1"),
        ("concat(${adult})", 10, "false"),
        ("string-length(${adult})", 10, "5"),
        // XPath compares a boolean with text as booleans, and the text 'false' is true.
        ("${adult} = 'false'", 10, "false"),
        ("${adult} = 'true'", 30, "true"),
    ]

    @Test func aBooleanCalculationIsABooleanWhereverItIsRead() throws {
        for (probe, age, expected) in Self.readingACalculation {
            let validator = AnswerValidator(form: try Self.form(probe: probe), today: "2026-11-23")
            let answers = try validator.validate(["age": .integer(age)]).get()
            #expect(answers["probe"]?.description == expected, "\(probe) with age \(age)")
            // The questionnaire's path: the stored calculations read back the same way.
            #expect(validator.withCalculations(["age": .integer(age)])["probe"]?.description == expected, "\(probe) with age \(age)")
        }
    }

    @Test func aCalculationOfTheTextFalseStaysText() throws {
        // Only a calculation that gives a condition reads its stored text back as a boolean.
        let validator = AnswerValidator(form: try Self.form(probe: "if(${adult}, 'yes', 'no')", adult: "'false'"), today: "2026-11-23")
        #expect(try validator.validate(["age": .integer(10)]).get()["probe"] == .text("yes"))
    }

    @Test func calculationsAreStoredAsODKStoresThem() throws {
        let cases: [(String, AnswerValue?)] = [
            ("${age} >= 18", .text("false")),
            ("${age} < 18", .text("true")),
            ("100 div 0", .text("Infinity")),
            ("-100 div 0", .text("-Infinity")),
            ("0 div 0", nil),
            ("''", nil),
            ("1000000000000000 * 1", .integer(1_000_000_000_000_000)),
            ("9007199254740992", .integer(9_007_199_254_740_992)),
            ("100000000000000000000", .decimal(1e20)),
            ("0.00001", .decimal(0.00001)),
            ("-0", .integer(0)),
            ("${age} div 4", .decimal(2.5)),
            ("concat(0.00001)", .text("0.00001")),
        ]
        for (calculation, expected) in cases {
            let validator = AnswerValidator(form: try Self.form(probe: calculation), today: "2026-11-23")
            #expect(try validator.validate(["age": .integer(10)]).get()["probe"] == expected, "\(calculation)")
        }
    }

    @Test func anInfiniteCalculationReadsBackAsANumber() throws {
        let form = try Self.form(probe: "if(${adult} > 1000, 'huge', 'small')", adult: "${age} div 0")
        let validator = AnswerValidator(form: form, today: "2026-11-23")
        let answers = try validator.validate(["age": .integer(10)]).get()
        #expect(answers["adult"] == .text("Infinity"))
        #expect(answers["probe"] == .text("huge"))
    }

    @Test func aDecimalAnswerMustBeFinite() throws {
        let form = try FormDefinition.parse(
            yaml: """
                id: numbers
                version: 1
                questions:
                  - {name: amount, type: decimal, label: Amount}
                  - {name: count, type: integer, label: Count}
                """
        )
        let validator = AnswerValidator(form: form, today: "2026-11-23")
        let amount = form.questions[0]
        let count = form.questions[1]
        let longDigits = String(repeating: "9", count: 400)
        for bad: AnswerValue in [.decimal(.infinity), .decimal(-.infinity), .decimal(.nan), .text("Infinity"), .text("NaN"), .text(longDigits)] {
            #expect(throws: AnswerProblem.self, "\(bad)") { try validator.normalize(bad, for: amount).get() }
            #expect(throws: AnswerProblem.self, "\(bad)") { try validator.normalize(bad, for: count).get() }
            #expect(throws: AnswerProblems.self, "\(bad)") { try validator.validate(["amount": bad]).get() }
        }
        #expect(try validator.normalize(.text("0.00001"), for: amount).get() == .decimal(0.00001))
        #expect(try validator.normalize(.text("+2.5"), for: amount).get() == .decimal(2.5))
        #expect(try validator.normalize(.text("+3"), for: count).get() == .integer(3))
    }

    // MARK: A whole form

    static let adultsOnlyYAML = """
        id: adults-only
        version: 1
        questions:
          - name: age
            type: integer
            label: How old are you?
            required: true
          - name: adult
            type: calculate
            calculate: ${age} >= 18
          - name: drinks
            type: select_one yes_no
            label: Do you drink alcohol?
            required: true
            relevant: ${adult}
          - name: youth_club
            type: select_one yes_no
            label: Do you go to the youth club?
            relevant: not(${adult})
        choices:
          yes_no:
            - {name: "yes", label: "Yes"}
            - {name: "no", label: "No"}
        """

    @Test func aRequiredAdultsOnlyQuestionIsNotAskedOfAChild() throws {
        let form = try FormDefinition.parse(yaml: Self.adultsOnlyYAML)
        let validator = AnswerValidator(form: form, today: "2026-11-23")
        let drinks = try #require(form.questions.first { $0.name == "drinks" })
        let youthClub = try #require(form.questions.first { $0.name == "youth_club" })

        // A child: the adults-only question is skipped, and its answer dropped if one was given.
        let child: Answers = ["age": .integer(10), "youth_club": .text("yes")]
        #expect(try validator.validate(child).get() == ["age": .integer(10), "adult": .text("false"), "youth_club": .text("yes")])
        #expect(try validator.validate(child.merging(["drinks": .text("no")]) { $1 }).get()["drinks"] == nil)
        // The questionnaire's path: skip logic over the answers with their calculations.
        let context = validator.withCalculations(["age": .integer(10)])
        #expect(context["adult"] == .text("false"))
        #expect(!validator.isRelevant(drinks, given: context))
        #expect(validator.isRelevant(youthClub, given: context))

        // An adult must answer it.
        let adult: Answers = ["age": .integer(30), "youth_club": .text("no")]
        let problems = try #require(validator.validate(adult).failure)
        #expect(problems.problems == [AnswerProblem(question: "drinks", message: "An answer is required.")])
        let answered = try validator.validate(adult.merging(["drinks": .text("yes")]) { $1 }).get()
        #expect(answered == ["age": .integer(30), "adult": .text("true"), "drinks": .text("yes")])
        #expect(validator.isRelevant(drinks, given: validator.withCalculations(["age": .integer(30)])))
    }
}

extension Result {
    /// The error, when there is one.
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
