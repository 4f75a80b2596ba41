import DoorstepTestSupport
import Foundation
import Testing

/// A form in English and Welsh at the door: `--language`, the `@` key mid-interview, and what
/// `forms show` and `show` print. Answers never change with the language.
@Suite("doorstep in a form's languages")
struct LanguageTests {
    static let bilingualForm = """
        id: drws
        version: 1
        title: Door survey in two languages
        default_language: en
        languages:
          - code: en
            name: English
          - code: cy
            name: Cymraeg
        questions:
          - name: consent
            type: select_one yes_no
            label:
              en: May we ask a few questions?
              cy: A gawn ni ofyn ychydig o gwestiynau?
            required: true
          - name: safe_day
            type: select_one scale
            label:
              en: How safe do you feel by day?
              cy: Pa mor ddiogel ydych chi'n teimlo yn ystod y dydd?
            hint: Read out the choices.
            relevant: ${consent} = 'yes'
          - name: adults
            type: integer
            label:
              en: How many adults live here?
              cy: Faint o oedolion sy'n byw yma?
            constraint: . >= 1 and . <= 20
            constraint_message:
              en: Between 1 and 20 adults.
              cy: Rhwng 1 ac 20 oedolyn.
          - name: safe_day_label
            type: calculate
            calculate: jr:choice-name(${safe_day}, '${safe_day}')
        choices:
          yes_no:
            - name: 'yes'
              label:
                en: 'Yes'
                cy: Ie
            - name: 'no'
              label:
                en: 'No'
                cy: Na
          scale:
            - name: very
              label:
                en: Very safe
                cy: Diogel iawn
            - name: not
              label:
                en: Not safe
                cy: Ddim yn ddiogel
        """

    /// A home with the door form of the other tests and the bilingual form, each with a campaign.
    static func fixture() throws -> CLIFixture {
        let fixture = try CLIFixture()
        let form = try fixture.directory.write(bilingualForm, to: "drws.yaml")
        let csv = try fixture.directory.write(walkListCSV, to: "walk-cy.csv")
        try fixture.expectSuccess(["forms", "add", form])
        try fixture.expectSuccess(["campaigns", "add", "--id", "gorllewin", "--name", "West End in Welsh", "--form", "drws", "--addresses", csv])
        return fixture
    }

    static let record = ["record", "--campaign", "gorllewin", "a1"]

    @Test("--language cy asks in Welsh; @ changes to English and @cy back mid-interview; the answers are the same")
    func languageChangesMidInterview() throws {
        let fixture = try Self.fixture()
        defer { fixture.remove() }
        let result = try fixture.run(Self.record + ["--language", "cy"], input: QuestionnaireTests.typed(
            "1",     // consent, asked in Welsh: Ie
            "@",     // the resident prefers English: the question is shown again in English
            "1",     // safe_day: Very safe
            "@cy",   // back to Welsh
            "25",    // refused with the Welsh constraint message
            "2",     // adults
            ""       // review: save
        ))

        #expect(result.status == 0, "\(result.stderr)")
        let said = result.stderr
        #expect(said.contains("? shows the keys, @ changes the language. Every answer is kept as you go."))
        #expect(said.contains("[1 of about 2] A gawn ni ofyn ychydig o gwestiynau? *"))
        #expect(said.contains("  = Ie"))
        #expect(said.contains("  Language: English (en)."))
        #expect(said.contains("How safe do you feel by day?\n      Read out the choices.\n   1) Very safe"))
        #expect(said.contains("  = Very safe"))
        #expect(said.contains("  Language: Cymraeg (cy)."))
        #expect(said.contains("[3 of about 3] Faint o oedolion sy'n byw yma?"))
        #expect(said.contains("! Rhwng 1 ac 20 oedolyn."))
        #expect(said.contains("1. A gawn ni ofyn ychydig o gwestiynau?: Ie"))
        #expect(said.contains("2. Pa mor ddiogel ydych chi'n teimlo yn ystod y dydd?: Diogel iawn"))
        #expect(said.contains("< goes back; @ changes the language;"))
        let id = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        // The stored answers are names, and jr:choice-name() keeps the default language's label.
        #expect(try fixture.answers(id) == [
            "consent": "yes", "safe_day": "very", "adults": 2, "safe_day_label": "Very safe",
        ] as NSDictionary)
    }

    @Test("@ at the review shows it again in the next language, and ? lists the languages")
    func languageKeyAtTheReviewAndInTheHelp() throws {
        let fixture = try Self.fixture()
        defer { fixture.remove() }
        let result = try fixture.run(Self.record, input: QuestionnaireTests.typed("?", "2", "", "@", "y"))

        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("Type @ to change to the next language"))
        #expect(result.stderr.contains("(@en English, @cy Cymraeg); the answers stay as they are."))
        #expect(result.stderr.contains("1. May we ask a few questions?: No"))
        #expect(result.stderr.contains("1. A gawn ni ofyn ychydig o gwestiynau?: Na"))
        let id = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try fixture.answers(id) == ["consent": "no"] as NSDictionary)
    }

    @Test("A form in one language has no other: @ says so, and --language is refused (64) naming what there is")
    func unknownLanguages() throws {
        let fixture = try Self.fixture()
        defer { fixture.remove() }
        let single = try fixture.run(["record", "--campaign", "west", "a1"], input: QuestionnaireTests.typed("@", "2", "", "", "", "y"))
        #expect(single.status == 0, "\(single.stderr)")
        #expect(single.stderr.contains("  This form is in one language only."))
        #expect(!single.stderr.contains("@ changes the language"))

        let refused = try fixture.run(["record", "--campaign", "west", "a2", "--language", "cy"], input: "")
        #expect(refused.status == 64)
        #expect(refused.stderr.contains("Form door version 2 names no languages, so it has no 'cy'."))
        let french = try fixture.run(Self.record + ["--language", "fr"], input: "")
        #expect(french.status == 64)
        #expect(french.stderr.contains("Form drws version 1 has no language 'fr'; it has English (en), Cymraeg (cy)."))
        #expect(try fixture.count("drafts") == 0)
    }

    @Test("Answers from JSON are checked with the messages in --language")
    func answersFromJSONInWelsh() throws {
        let fixture = try Self.fixture()
        defer { fixture.remove() }
        let result = try fixture.run(
            ["record", "--campaign", "gorllewin", "a1", "--answers", "-", "--language", "cy"], input: #"{"consent": "yes", "adults": 30}"#
        )
        #expect(result.status == 65)
        #expect(result.stderr.contains("adults: Rhwng 1 ac 20 oedolyn."))
    }

    @Test("forms show and show print labels in --language; names and answers do not change")
    func showInWelsh() throws {
        let fixture = try Self.fixture()
        defer { fixture.remove() }
        let form = try fixture.expectSuccess(["forms", "show", "drws", "--language", "cy"])
        #expect(form.contains("Languages: English (en, default), Cymraeg (cy). Shown in Cymraeg (cy)."))
        #expect(form.contains("2. Pa mor ddiogel ydych chi'n teimlo yn ystod y dydd?\n    (safe_day, choose one)\n    Hint: Read out the choices.\n      1) Diogel iawn"))
        #expect(form.contains("Only if Q1 is “Ie”."))
        #expect(form.contains("Rule: Rhwng 1 ac 20 oedolyn."))
        #expect(try fixture.expectSuccess(["forms", "show", "drws"]).contains("Only if Q1 is “Yes”."))

        let id = try fixture.expectSuccess(
            ["record", "--campaign", "gorllewin", "a1", "--answers", "-"], input: #"{"consent": "yes", "safe_day": "not"}"#
        ).trimmingCharacters(in: .whitespacesAndNewlines)
        let welsh = try fixture.expectSuccess(["show", id, "--language", "cy"])
        #expect(welsh.contains("Pa mor ddiogel ydych chi'n teimlo yn ystod y dydd?\n    Ddim yn ddiogel"))
        let english = try fixture.expectSuccess(["show", id])
        #expect(english.contains("How safe do you feel by day?\n    Not safe"))
        #expect(try fixture.answers(id) == ["consent": "yes", "safe_day": "not", "safe_day_label": "Not safe"] as NSDictionary)
    }

    @Test("forms check names a bilingual form's languages")
    func checkNamesTheLanguages() throws {
        let fixture = try Self.fixture()
        defer { fixture.remove() }
        let file = fixture.directory.appending("drws.yaml").path
        #expect(try fixture.expectSuccess(["forms", "check", file]) == "\(file): ok (drws version 1, 3 questions, languages en, cy)\n")
    }
}
