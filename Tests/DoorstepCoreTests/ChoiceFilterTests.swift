import DoorstepCore
import Testing

/// `choice_filter`: a select offers only the choices whose filter holds given the answers so far
/// (a cascading select), and an answer outside them is refused, on the laptop and the server alike.
@Suite("Choice filters (cascading selects)")
struct ChoiceFilterTests {
    static let form = """
        id: places
        version: 1
        title: Places
        questions:
          - {name: county, type: select_one counties, label: County}
          - name: district
            type: select_one districts
            label: District
            choice_filter: county = ${county}
          - name: nearby
            type: select_multiple districts
            label: Districts nearby
            choice_filter: county = ${county} or name = 'other'
        choices:
          counties:
            - {name: north, label: North}
            - {name: south, label: South}
          districts:
            - {name: n1, label: North One, county: north}
            - {name: n2, label: North Two, county: north}
            - {name: s1, label: South One, county: south}
            - {name: other, label: Elsewhere}
        """

    func faults(_ yaml: String) -> [String] {
        do {
            _ = try FormDefinition.parse(yaml: yaml)
            return []
        } catch {
            return error.faults
        }
    }

    @Test("A choice's extra keys are its columns, and choice_filter is read")
    func reads() throws {
        let form = try FormDefinition.parse(yaml: Self.form)
        let district = try #require(form.question(named: "district"))
        #expect(district.choiceFilter == "county = ${county}")
        #expect(district.choices.map { $0.property("county") } == ["north", "north", "south", nil])
        #expect(district.choices[0].property("name") == "n1")
    }

    @Test("Only the choices whose filter holds are offered; a missing column reads as empty text, as in ODK")
    func offered() throws {
        let form = try FormDefinition.parse(yaml: Self.form)
        let validator = AnswerValidator(form: form, today: "2026-12-04")
        let district = try #require(form.question(named: "district"))
        let nearby = try #require(form.question(named: "nearby"))
        #expect(validator.choices(for: district, given: ["county": .text("north")]).map(\.name) == ["n1", "n2"])
        #expect(validator.choices(for: district, given: ["county": .text("south")]).map(\.name) == ["s1"])
        #expect(validator.choices(for: district, given: [:]).map(\.name) == ["other"])
        #expect(validator.choices(for: nearby, given: ["county": .text("south")]).map(\.name) == ["s1", "other"])
        let county = try #require(form.question(named: "county"))
        #expect(validator.choices(for: county, given: [:]).map(\.name) == ["north", "south"])
    }

    @Test("An answer the filter does not offer is refused, one problem naming the choices offered")
    func validation() throws {
        let form = try FormDefinition.parse(yaml: Self.form)
        let validator = AnswerValidator(form: form, today: "2026-12-04")
        #expect(throws: Never.self) { try validator.validate(["county": .text("north"), "district": .text("n2")]).get() }
        #expect(throws: Never.self) {
            try validator.validate(["county": .text("south"), "nearby": .list(["s1", "other"])]).get()
        }
        let refused = validator.validate(["county": .text("north"), "district": .text("s1"), "nearby": .list(["n1", "s1"])])
        #expect(refused == .failure(AnswerProblems(problems: [
            AnswerProblem(question: "district", message: "'s1' is not one of the choices offered given the earlier answers (n1, n2)."),
            AnswerProblem(question: "nearby", message: "'s1' is not one of the choices offered given the earlier answers (n1, n2, other)."),
        ])))
        let district = try #require(form.question(named: "district"))
        #expect(validator.check(.text("s1"), for: district, given: ["county": .text("south")]) == nil)
        #expect(validator.check(.text("n1"), for: district, given: ["county": .text("south")])?.message
            == "'n1' is not one of the choices offered given the earlier answers (s1).")
    }

    @Test("forms check refuses a filter on a question without choices, a column no choice has, and an unused key")
    func checkerFaults() {
        let found = faults("""
            id: f
            version: 1
            title: T
            questions:
              - {name: county, type: text, label: County, choice_filter: "county = 'x'"}
              - {name: district, type: select_one districts, label: D, choice_filter: "country = ${county} and ${district} != ''"}
              - {name: ward, type: select_one wards, label: W, choice_filter: "county = ${county} and"}
            choices:
              districts:
                - {name: n1, label: N1, county: north, colour: red}
              wards:
                - {name: w1, label: W1, county: north}
            """)
        #expect(found == [
            "Question 'county' has a choice_filter, but only a select_one or select_multiple question may have one.",
            "Question 'district' refers to ${district} in its choice_filter (column 25); a question's choices cannot depend on its own answer.",
            "Question 'district' reads the column 'country' in its choice_filter (column 1), but no choice of list 'districts' has it.",
            "Question 'ward' has a bad choice_filter 'county = ${county} and': at column 23, a value is missing after 'and'.",
            "Choice list 'districts' has a choice with unknown key 'colour'; a choice takes name, label, replaces and the columns a choice_filter of its questions reads.",
            // The filter reads 'country', a typing slip: the column it meant is then read by none.
            "Choice list 'districts' has a choice with unknown key 'county'; a choice takes name, label, replaces and the columns a choice_filter of its questions reads.",
        ])
    }

    @Test("A bare word outside a choice_filter is still an error")
    func bareWordElsewhere() {
        #expect(faults("""
            id: f
            version: 1
            title: T
            questions:
              - {name: a, type: text, label: A, relevant: "county = 'x'"}
            """) == [
            "Question 'a' has a bad relevant 'county = 'x'': at column 1, 'county' is neither a function nor an operator (write ${county} for a question, 'county' for text).",
        ])
    }
}
