import DoorstepTestSupport
import Foundation
import Testing

@testable import DoorstepCore

/// Every XLSForm function, one table each: ordinary values, empty answers, NaN and dates; and
/// every example of the function table in `docs/forms.md`, evaluated as written.
@Suite("Expression functions")
struct FunctionTableTests {
    /// What a case expects: text, a number (NaN matches NaN), or a condition.
    enum Expected: CustomStringConvertible {
        case text(String)
        case number(Double)
        case truth(Bool)

        func matches(_ value: ExpressionValue) -> Bool {
            switch (self, value) {
            case (.text(let text), .string(let actual)): text == actual
            case (.number(let number), .number(let actual)): number.isNaN ? actual.isNaN : number == actual || abs(number - actual) < 1e-9
            case (.truth(let truth), .boolean(let actual)): truth == actual
            default: false
            }
        }

        var description: String {
            switch self {
            case .text(let text): "text '\(text)'"
            case .number(let number): "number \(number)"
            case .truth(let truth): "\(truth)"
            }
        }
    }

    static let answers: Answers = [
        "empty": .text(""), "name": .text("  Ann   Lee "), "multi": .list(["fires", "drugs", "noise"]),
        "safe": .text("very_safe"), "visits": .integer(3), "born": .text("1950-06-30"), "half": .decimal(2.5),
        "stamp": .text("2026-11-14T10:30:00.000+01:00"), "nan": .text("abc"),
    ]

    static let labels: [String: [String: String]] = ["safe": ["very_safe": "Very safe", "unsafe": "Unsafe"]]

    static func evaluate(_ source: String, answers: Answers = answers) throws -> ExpressionValue {
        let evaluator = ExpressionEvaluator(
            answers: answers, today: "2026-11-14", choiceLabels: labels, now: { "2026-11-14T10:03:12.345Z" },
            newIdentifier: { "0b7f3c1e-4d2a-4f6b-9c8d-1e2f3a4b5c6d" }
        )
        return evaluator.evaluate(try FormExpression.parse(source))
    }

    static let tables: [ExpressionFunction: [(String, Expected)]] = [
        .boolean: [("boolean('no')", .truth(true)), ("boolean(${empty})", .truth(false)), ("boolean(0 div 0)", .truth(false)), ("boolean(-1)", .truth(true))],
        .booleanFromString: [("boolean-from-string('true')", .truth(true)), ("boolean-from-string('1')", .truth(true)),
                              ("boolean-from-string('yes')", .truth(false)), ("boolean-from-string(${empty})", .truth(false))],
        .once: [("once(${visits} + 1)", .number(4)), ("once(${empty})", .text(""))],
        .selectedAt: [("selected-at(${multi}, 1)", .text("drugs")), ("selected-at(${multi}, 3)", .text("")),
                      ("selected-at(${empty}, 0)", .text("")), ("selected-at(${multi}, 0 div 0)", .text("")), ("selected-at(${multi}, -1)", .text(""))],
        .choiceName: [("jr:choice-name(${safe}, '${safe}')", .text("Very safe")), ("jr:choice-name('unsafe', '${safe}')", .text("Unsafe")),
                      ("jr:choice-name(${empty}, '${safe}')", .text("")), ("jr:choice-name('x', '${nowhere}')", .text(""))],
        .string: [("string(1 div 4)", .text("0.25")), ("string(true())", .text("true")), ("string(${empty})", .text("")),
                  ("string(0 div 0)", .text("NaN")), ("string(${visits})", .text("3")), ("string(1 div 0)", .text("Infinity"))],
        .join: [("join(', ', 'a', '', 'b')", .text("a, b")), ("join('-', ${multi})", .text("fires drugs noise")), ("join(' ')", .text("")),
                ("join(':', ${visits}, ${half})", .text("3:2.5"))],
        .substr: [("substr('doorstep', 4)", .text("step")), ("substr('doorstep', 0, 4)", .text("door")), ("substr('doorstep', -4)", .text("step")),
                  ("substr('doorstep', 6, 2)", .text("")), ("substr(${empty}, 0, 3)", .text("")), ("substr('café', 3)", .text("é")),
                  ("substr('abc', 0 div 0)", .text("")), ("substr('abc', 1, 99)", .text("bc"))],
        .substringBefore: [("substring-before('2026-11-14', '-')", .text("2026")), ("substring-before('abc', 'x')", .text("")),
                           ("substring-before('abc', '')", .text("")), ("substring-before(${empty}, '-')", .text(""))],
        .substringAfter: [("substring-after('AB1 2CD', ' ')", .text("2CD")), ("substring-after('abc', 'x')", .text("")),
                          ("substring-after('abc', '')", .text("abc")), ("substring-after(${born}, '-')", .text("06-30"))],
        .contains: [("contains('AB1 2CD', '2C')", .truth(true)), ("contains('abc', '')", .truth(true)), ("contains(${empty}, 'a')", .truth(false))],
        .startsWith: [("starts-with('AB1 2CD', 'AB')", .truth(true)), ("starts-with('abc', 'b')", .truth(false)), ("starts-with(${empty}, '')", .truth(true))],
        .endsWith: [("ends-with('AB1 2CD', 'CD')", .truth(true)), ("ends-with('abc', 'b')", .truth(false)), ("ends-with('é', 'é')", .truth(true))],
        .translate: [("translate('a-b-c', '-', '')", .text("abc")), ("translate('abc', 'abc', 'ABC')", .text("ABC")),
                     ("translate('aa', 'aa', 'xy')", .text("xx")), ("translate(${empty}, 'a', 'b')", .text(""))],
        .normalizeSpace: [("normalize-space(${name})", .text("Ann Lee")), ("normalize-space(${empty})", .text("")), ("normalize-space('\ta\n b ')", .text("a b"))],
        .regex: [("regex('AB1 2CD', '^[A-Z]{1,2}[0-9]')", .truth(true)), ("regex(${empty}, '')", .truth(true)), ("regex('abc', '^b')", .truth(false))],
        .uuid: [("uuid()", .text("0b7f3c1e-4d2a-4f6b-9c8d-1e2f3a4b5c6d")), ("uuid(6)", .text("0b7f3c")), ("string-length(uuid(40))", .number(40)),
                ("uuid(0 div 0)", .text(""))],
        .round: [("round(2.675, 2)", .number(2.68)), ("round(2.5)", .number(3)), ("round(-2.5)", .number(-3)), ("round(1234.5, -2)", .number(1200)),
                 ("round(${empty})", .number(.nan)), ("round(${half})", .number(3)), ("round(1 div 0)", .number(.infinity))],
        .pow: [("pow(2, 10)", .number(1024)), ("pow(${visits}, 2)", .number(9)), ("pow(${empty}, 2)", .number(.nan)), ("pow(4, 0.5)", .number(2))],
        .abs: [("abs(-7.5)", .number(7.5)), ("abs(${empty})", .number(.nan)), ("abs(${visits})", .number(3))],
        .sqrt: [("sqrt(16)", .number(4)), ("sqrt(-1)", .number(.nan)), ("sqrt(${empty})", .number(.nan))],
        .log: [("log(1)", .number(0)), ("round(log(exp(2)), 6)", .number(2)), ("log(0 - 1)", .number(.nan))],
        .exp: [("exp(0)", .number(1)), ("exp(${empty})", .number(.nan))],
        .pi: [("round(pi(), 4)", .number(3.1416))],
        .sum: [("sum(${visits}, ${half}, 1)", .number(6.5)), ("sum(${visits}, ${empty})", .number(.nan))],
        .max: [("max(3, ${visits}, 7)", .number(7)), ("max(1, ${nan})", .number(.nan)), ("max(${born}, -99999)", .number(-7125))],
        .min: [("min(3, ${visits}, 7)", .number(3)), ("min(${empty})", .number(.nan))],
        .count: [("count(${visits})", .number(1)), ("count(${empty}, ${visits})", .number(2))],
        .countNonEmpty: [("count-non-empty('a', '', 'b')", .number(2)), ("count-non-empty(${empty})", .number(0)), ("count-non-empty(${multi}, ${visits})", .number(2))],
        .now: [("now()", .text("2026-11-14T10:03:12.345Z"))],
        .date: [("date(20406)", .text("2025-11-14")), ("date(${born})", .text("1950-06-30")), ("date(${stamp})", .text("2026-11-14")),
                ("date(${empty})", .text("")), ("date(${nan})", .text("")), ("date(today() + 1)", .text("2026-11-15")), ("date(0 div 0)", .text(""))],
        .dateTime: [("date-time(20406.5)", .text("2025-11-14T12:00:00.000Z")), ("date-time(${stamp})", .text("2026-11-14T09:30:00.000Z")),
                    ("date-time(${born})", .text("1950-06-30T00:00:00.000Z")), ("date-time(${empty})", .text(""))],
        .decimalDateTime: [("decimal-date-time('1970-01-02T06:00:00Z')", .number(1.25)), ("decimal-date-time('1970-01-01T00:00:00-06:00')", .number(0.25)),
                           ("decimal-date-time(${empty})", .number(.nan)), ("decimal-date-time('1970-01-03')", .number(2))],
        .formatDate: [("format-date('2026-11-14', '%e %b %Y')", .text("14 Nov 2026")), ("format-date(${born}, '%d/%m/%y %a')", .text("30/06/50 Fri")),
                      ("format-date(${stamp}, '%Y-%n-%e %H:%M')", .text("2026-11-14 00:00")), ("format-date(${empty}, '%Y')", .text("")),
                      ("format-date('2026-02-30', '%Y')", .text("")), ("format-date(today(), '100%% %q')", .text("100%% %q"))],
        .formatDateTime: [("format-date-time('2026-11-14T09:05:07.250Z', '%H:%M:%S.%3 %h')", .text("09:05:07.250 9")),
                          ("format-date-time(${stamp}, '%H:%M')", .text("09:30")), ("format-date-time(${nan}, '%H')", .text(""))],
    ]

    @Test func everyFunctionHasATable() {
        let tabled = Set(Self.tables.keys)
        let older: Set<ExpressionFunction> = [.not, .true, .false, .if, .coalesce, .selected, .countSelected, .concat, .stringLength, .number, .int, .today]
        #expect(Set(ExpressionFunction.allCases).subtracting(tabled).subtracting(older).isEmpty)
    }

    @Test(arguments: Array(tables.keys).sorted { $0.rawValue < $1.rawValue })
    func functionGivesWhatItsTableSays(function: ExpressionFunction) throws {
        for (source, expected) in Self.tables[function] ?? [] {
            let value = try Self.evaluate(source)
            #expect(expected.matches(value), "\(source) gave \(value), not \(expected)")
        }
    }

    /// The examples of the function table in `docs/forms.md` (`expression` → result), as written.
    @Test func theFormGuidesExamplesHold() throws {
        let guide = try String(contentsOf: BuiltProducts.packageRoot.appendingPathComponent("docs/forms.md"), encoding: .utf8)
        let section = guide.components(separatedBy: "### Functions")[1].components(separatedBy: "Examples:")[0]
        var checked = 0
        for line in section.split(separator: "\n") where line.hasPrefix("| `") {
            guard let cell = line.split(separator: "|").last?.trimmingCharacters(in: .whitespaces), cell.contains(" → "),
                  !cell.contains("…")
            else { continue }
            let parts = cell.components(separatedBy: " → ")
            let source = String(parts[0].dropFirst().dropLast())
            let result = parts[1]
            let expected: Expected
            if result == "true" || result == "false" {
                expected = .truth(result == "true")
            } else if result.hasPrefix("`") {
                expected = .text(String(result.dropFirst().dropLast()))
            } else {
                expected = .number(try #require(Double(result), "\(line)"))
            }
            let value = try Self.evaluate(source)
            #expect(expected.matches(value), "docs/forms.md: \(source) gave \(value), not \(expected)")
            checked += 1
        }
        #expect(checked >= 35)
    }

    @Test func aFunctionNamedWithTheJavaRosaPrefixIsKnownAndOthersAreNot() {
        #expect(throws: Never.self) { try FormExpression.parse("jr:choice-name(${a}, '${a}')") }
        #expect(throws: ExpressionError.self) { try FormExpression.parse("jr:itext('x')") }
        #expect(throws: ExpressionError.self) { try FormExpression.parse("xx:choice-name(${a}, '${a}')") }
    }

    /// `once()`, `now()` and `uuid()`: computed when the questionnaire first reaches them, then
    /// kept whenever the response is validated again (on saving, on the server).
    @Test func aCalculationThatCallsNowUuidOrOnceKeepsItsFirstValue() throws {
        let form = try FormDefinition.parse(yaml: """
            id: kept
            version: 1
            questions:
              - {name: visits, type: integer, label: Visits}
              - {name: started, type: calculate, calculate: "once(now())"}
              - {name: ref, type: calculate, calculate: "uuid(8)"}
              - {name: first_visits, type: calculate, calculate: "once(${visits})"}
              - {name: doubled, type: calculate, calculate: "${visits} * 2"}
            """)
        let atTheDoor = AnswerValidator(form: form, today: "2026-11-14", now: { "2026-11-14T10:00:00.000Z" }, newIdentifier: { "aaaaaaaa-0000" })
        let first = try atTheDoor.validate(["visits": .integer(2)]).get()
        #expect(first["started"] == .text("2026-11-14T10:00:00.000Z") && first["ref"] == .text("aaaaaaaa") && first["first_visits"] == .integer(2))
        // Later, elsewhere, with another clock and the count corrected: the kept ones stay.
        let later = AnswerValidator(form: form, today: "2026-11-15", now: { "2026-11-15T08:00:00.000Z" }, newIdentifier: { "bbbbbbbb-1111" })
        var corrected = first
        corrected["visits"] = .integer(5)
        let again = try later.validate(corrected).get()
        #expect(again["started"] == first["started"] && again["ref"] == first["ref"] && again["first_visits"] == .integer(2))
        #expect(again["doubled"] == .integer(10))
        // The questionnaire's running calculations keep them too.
        #expect(later.withCalculations(corrected)["started"] == first["started"])
    }
}
