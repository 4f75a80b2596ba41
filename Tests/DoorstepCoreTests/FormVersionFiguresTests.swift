import DoorstepCore
@testable import DoorstepReport
import Foundation
import Testing

/// A form upgraded during a campaign: the figures name each version with its responses, a question
/// only some versions ask is read against their responses, and a choice list that changed is
/// read version by version unless the form maps the old choices onto the new ones.
@Suite("Report: form versions")
struct FormVersionFiguresTests {
    /// Version `version` of a small form; `years` lists the choices of its years-at-address list,
    /// and `extra` adds a question only some versions ask.
    static func form(version: String, years: String, extra: Bool = false) throws -> FormDefinition {
        try FormDefinition.parse(yaml: """
            id: street
            version: "\(version)"
            title: Street survey
            questions:
              - name: feel_safe
                label: Do you feel safe?
                type: select_one yes_no
              - name: years
                label: How long have you lived here?
                type: select_one years
            \(extra ? """
              - name: lighting
                label: Is the street lighting good enough?
                type: select_one yes_no
            """ : "")
            choices:
              yes_no:
                - name: "yes"
                  label: "Yes"
                - name: "no"
                  label: "No"
              years:
            \(years)
            """)
    }

    static let oldYears = """
            - name: up_to_10
              label: Up to 10 years
            - name: more_than_10
              label: More than 10 years
        """
    static let splitYears = """
            - name: up_to_10
              label: Up to 10 years
            - name: 10_to_20
              label: 10 to 20 years
            - name: more_than_20
              label: More than 20 years
        """
    static let renamedYears = """
            - name: up_to_10
              label: Up to 10 years
            - name: over_10
              label: Over 10 years
              replaces: more_than_10
        """

    /// 32 responses on `older` (20 of them more than 10 years) and `newerCount` on `newer`.
    static func figures(older: FormDefinition, newer: FormDefinition, newerAnswers: [Answers]) -> CampaignAggregates {
        var tallies: [TallyKey: Int] = [:]
        for index in 0..<32 {
            let answers: Answers = ["feel_safe": .text(index % 4 == 0 ? "no" : "yes"), "years": .text(index < 20 ? "more_than_10" : "up_to_10")]
            for key in Tally.contributions(of: answers, form: older, street: "Acre Street", area: nil) { tallies[key, default: 0] += 1 }
        }
        for answers in newerAnswers {
            for key in Tally.contributions(of: answers, form: newer, street: "Acre Street", area: nil) { tallies[key, default: 0] += 1 }
        }
        return CampaignAggregates.compute(
            campaign: "c", name: "Upgraded day", date: "2026-11-14", forms: [older, newer], tallies: tallies, funnels: [:]
        )
    }

    @Test("The figures name every version with its responses; a question only the newer version asks is read against its responses")
    func versionsWithCounts() throws {
        let older = try Self.form(version: "1", years: Self.oldYears)
        let newer = try Self.form(version: "2", years: Self.oldYears, extra: true)
        let figures = Self.figures(older: older, newer: newer, newerAnswers: [
            ["feel_safe": .text("yes"), "years": .text("up_to_10"), "lighting": .text("no")],
        ])
        #expect(figures.responses == 33)
        #expect(figures.versions.map(\.name) == ["1", "2"])
        #expect(figures.versions.map(\.responses) == [32, 1])
        let lighting = try #require(figures.questions.first { $0.name == "lighting" })
        #expect(lighting.askedIn == ["2"])
        #expect(figures.questions.map(\.name) == ["feel_safe", "years", "lighting"], "the form's order")

        let html = CampaignReport(aggregates: figures).html()
        #expect(html.contains("(form street, versions 1 (32 responses) and 2 (1 response))"))
        #expect(html.contains("Asked in version 2 only: 1 of 1 response recorded on it answered"))
        #expect(!html.contains("1 of 33 responses answered"))
        let decoded = try JSONDecoder().decode(CampaignAggregates.self, from: JSONEncoder().encode(figures))
        #expect(decoded == figures)
    }

    @Test("A choice list that changed between versions is read version by version, each against its own list and base")
    func changedChoicesPerVersion() throws {
        let older = try Self.form(version: "1", years: Self.oldYears)
        let newer = try Self.form(version: "2", years: Self.splitYears)
        let figures = Self.figures(older: older, newer: newer, newerAnswers: (0..<8).map { index in
            ["feel_safe": .text("yes"), "years": .text(["10_to_20", "more_than_20", "up_to_10", "more_than_20"][index % 4])]
        })
        let years = try #require(figures.questions.first { $0.name == "years" })
        #expect(years.perVersion)
        #expect(!(try #require(figures.questions.first { $0.name == "feel_safe" })).perVersion)
        let byVersion = figures.versions.map { version in version.questions.first { $0.name == "years" }! }
        #expect(byVersion[0].choices.map(\.name) == ["up_to_10", "more_than_10"])
        #expect(byVersion[0].choices.map(\.percent) == [37.5, 62.5])
        #expect(byVersion[1].choices.map(\.name) == ["up_to_10", "10_to_20", "more_than_20"])
        #expect(byVersion[1].choices.map(\.percent) == [25, 25, 50])

        let html = CampaignReport(aggregates: figures).html()
        #expect(html.contains("The choices changed between form versions"))
        #expect(html.contains("<h4>Version 1 (32 responses)</h4>"))
        #expect(html.contains("<h4>Version 2 (8 responses)</h4>"))
        // Each version's bars are shares of its own answers, on the report's one axis.
        BarGeometryTests.expectOnTheAxis(try BarGeometryTests.shareBars(html))
        // No sentence of the key findings takes a share of the mixed list.
        #expect(!KeyFindings.sentences(figures).contains { $0.contains("lived here") })
    }

    @Test("When the form says which new choice replaces an old one, old answers are counted as it, with a note")
    func replacedChoicesAreMapped() throws {
        let older = try Self.form(version: "1", years: Self.oldYears)
        let newer = try Self.form(version: "2", years: Self.renamedYears)
        let figures = Self.figures(older: older, newer: newer, newerAnswers: (0..<8).map { index in
            ["feel_safe": .text("yes"), "years": .text(index < 6 ? "over_10" : "up_to_10")]
        })
        let years = try #require(figures.questions.first { $0.name == "years" })
        #expect(!years.perVersion)
        #expect(years.replacedChoices == ["more_than_10": "over_10"])
        #expect(years.choices.map(\.name) == ["up_to_10", "over_10"])
        #expect(years.choices.map(\.count) == [14, 26])
        let acre = try #require(figures.streets.first?.questions.first { $0.name == "years" })
        #expect(acre.choices.map(\.count) == [14, 26], "streets are mapped the same way")
        let html = CampaignReport(aggregates: figures).html()
        #expect(html.contains("Choices of earlier versions are counted as the form maps them: “More than 10 years” (version 1) as “Over 10 years”."))
    }

    @Test("A form refuses a replaced choice still in its list, two choices replacing one, and a multi-select choice replacing two")
    func replacesIsChecked() {
        func faults(_ years: String, type: String = "select_one") -> [String] {
            do {
                _ = try FormDefinition.parse(yaml: """
                    id: f
                    version: "1"
                    title: F
                    questions:
                      - name: years
                        label: Years
                        type: \(type) years
                    choices:
                      years:
                    \(years)
                    """)
                return []
            } catch { return error.faults }
        }
        #expect(faults("""
                - name: a
                  label: A
                  replaces: b
                - name: b
                  label: B
            """) == ["Choice 'a' of list 'years' replaces 'b', which is still a choice of the list."])
        #expect(faults("""
                - name: a
                  label: A
                  replaces: old
                - name: b
                  label: B
                  replaces: [old]
            """) == ["Choices 'a' and 'b' of list 'years' both replace 'old'; an old answer can be counted as one choice only."])
        #expect(faults("""
                - name: a
                  label: A
                  replaces: [old_1, old_2]
            """, type: "select_multiple").first?.hasPrefix("Choice 'a' replaces 2 choices but question 'years' is a select_multiple") == true)
        #expect(faults("""
                - name: a
                  label: A
                  replaces: [old_1, old_2]
            """).isEmpty)
    }

    @Test("A viewer's copy hides a version with few responses, and its counts cannot be worked out from the campaign's")
    func smallVersionIsSuppressed() throws {
        let older = try Self.form(version: "1", years: Self.oldYears)
        let newer = try Self.form(version: "2", years: Self.oldYears, extra: true)
        let figures = Self.figures(older: older, newer: newer, newerAnswers: [
            ["feel_safe": .text("no"), "years": .text("up_to_10"), "lighting": .text("no")],
        ]).suppressed()
        #expect(figures.versions[1].responses == nil)
        let hiddenSomewhere = figures.responses == nil || figures.versions[0].responses == nil
        #expect(hiddenSomewhere, "33 − 32 would give the one response on version 2")
        let lighting = try #require(figures.questions.first { $0.name == "lighting" })
        #expect(lighting.answered == nil)
        let html = CampaignReport(aggregates: figures).html()
        #expect(html.contains("2 (responses hidden)"))
    }
}
