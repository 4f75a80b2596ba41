import DoorstepTestSupport
import Foundation
import Testing

/// A cascading select at the door: the district question lists only the chosen county's
/// districts, numbered among themselves.
@Suite("doorstep record: choice_filter offers only the choices that fit")
struct ChoiceFilterQuestionnaireTests {
    static let form = """
        id: places
        version: 1
        title: Places
        questions:
          - {name: county, type: select_one counties, label: Which county?}
          - name: district
            type: select_one districts
            label: Which district?
            choice_filter: county = ${county}
        choices:
          counties:
            - {name: north, label: North}
            - {name: south, label: South}
          districts:
            - {name: n1, label: Northgate, county: north}
            - {name: n2, label: Norbury, county: north}
            - {name: s1, label: Southend, county: south}
            - {name: s2, label: Southwick, county: south}
        """

    @Test("The second county's districts are listed 1 and 2, and a number past them is refused")
    func filteredChoices() throws {
        let fixture = try CLIFixture()
        defer { fixture.remove() }
        let form = try fixture.directory.write(Self.form, to: "places.yaml")
        let csv = try fixture.directory.write(walkListCSV, to: "walk-places.csv")
        try fixture.expectSuccess(["forms", "add", form])
        try fixture.expectSuccess(["campaigns", "add", "--id", "places", "--name", "Places", "--form", "places", "--addresses", csv])

        let result = try fixture.run(["record", "--campaign", "places", "a1"], input: QuestionnaireTests.typed(
            "2",    // county: South
            "3",    // district: only two are offered
            "2",    // district: Southwick
            ""      // review: save
        ))

        #expect(result.status == 0, "\(result.stderr)")
        let said = result.stderr
        #expect(said.contains("Which district?\n   1) Southend\n   2) Southwick\n"))
        #expect(!said.contains("Northgate"))
        #expect(said.contains("! Type a number from 1 to 2, from the list above."))
        let id = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try fixture.answers(id) == ["county": "south", "district": "s2"] as NSDictionary)
    }
}
