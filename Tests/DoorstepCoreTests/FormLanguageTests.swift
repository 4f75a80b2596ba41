import Testing

@testable import DoorstepCore

/// Forms in several languages: text maps by language code, `default_language` and `languages`,
/// the faults `forms check` reports, and what changes with the language (labels) and what never
/// does (names, stored answers).
@Suite struct FormLanguageTests {
    static let bilingual = """
        id: street
        version: 1
        title: Street survey
        default_language: en
        languages: [{code: en, name: English}, {code: cy, name: Cymraeg}]
        questions:
          - name: about
            type: group
            label: {en: About you, cy: Amdanoch chi}
            hint: {en: Skip any question., cy: Hepgorwch unrhyw gwestiwn.}
            questions:
              - name: safe
                type: select_one scale
                label:
                  en: How safe do you feel?
                  cy: Pa mor ddiogel ydych chi'n teimlo?
                hint: Read out the list.
                required: true
              - name: adults
                type: integer
                label: {en: How many adults live here?, cy: Faint o oedolion sy'n byw yma?}
                constraint: . >= 1
                constraint_message: {en: At least one adult., cy: O leiaf un oedolyn.}
              - name: safe_label
                type: calculate
                calculate: jr:choice-name(${safe}, '${safe}')
        choices:
          scale:
            - name: very
              label: {en: Very safe, cy: Diogel iawn}
            - name: not
              label: Not safe
        """

    func faults(_ yaml: String) -> [String] {
        FormFaultTests().faults(yaml)
    }

    /// A form with one question whose label is `label`, under `header` lines.
    func faults(label: String, header: String = "") -> [String] {
        faults("id: f\nversion: 1\n\(header)questions:\n  - name: q\n    type: text\n    label: \(label)\n")
    }

    // MARK: Reading

    @Test func textMapsAreReadByLanguage() throws {
        let form = try FormDefinition.parse(yaml: Self.bilingual)
        #expect(form.defaultLanguage == "en")
        #expect(form.languages == [FormLanguage(code: "en", name: "English"), FormLanguage(code: "cy", name: "Cymraeg")])
        let safe = try #require(form.question(named: "safe"))
        #expect(safe.label == "How safe do you feel?")
        #expect(safe.localizedLabel == LocalizedText("How safe do you feel?", translations: ["cy": "Pa mor ddiogel ydych chi'n teimlo?"]))
        #expect(safe.localizedLabel.text(in: "cy") == "Pa mor ddiogel ydych chi'n teimlo?")
        // A plain string is the default language: it is shown whatever the language.
        #expect(safe.localizedHint?.text(in: "cy") == "Read out the list.")
        #expect(safe.choices.map { $0.localizedLabel.text(in: "cy") } == ["Diogel iawn", "Not safe"])
        #expect(safe.choices.map(\.label) == ["Very safe", "Not safe"])
        let adults = try #require(form.question(named: "adults"))
        #expect(adults.constraintMessage == "At least one adult.")
        #expect(adults.localizedConstraintMessage?.text(in: "cy") == "O leiaf un oedolyn.")
        let group = try #require(form.group(named: "about"))
        #expect(group.localizedLabel.text(in: "cy") == "Amdanoch chi")
        #expect(group.localizedHint?.text(in: "cy") == "Hepgorwch unrhyw gwestiwn.")
    }

    @Test func aFormInOneLanguageNamesNone() throws {
        let form = try FormDefinition.parse(yaml: "id: f\nversion: 1\nquestions:\n  - {name: q, type: text, label: Q}\n")
        #expect(form.defaultLanguage == nil)
        #expect(form.languages.isEmpty)
        #expect(form.questions[0].localizedLabel == LocalizedText("Q"))
        #expect(form.questions[0].localizedLabel.text(in: "cy") == "Q")
    }

    @Test func languagesAreInferredFromTheMapsWhenNotListed() throws {
        // Without default_language or languages: the first code a map uses is the default.
        let inferred = try FormDefinition.parse(yaml: """
            id: f
            version: 1
            questions:
              - {name: a, type: text, label: {cy: Enw, en: Name}}
              - {name: b, type: text, label: Street, hint: {cy: Stryd, pl: Ulica}}
            """)
        #expect(inferred.defaultLanguage == "cy")
        #expect(inferred.languages.map(\.code) == ["cy", "en", "pl"])
        #expect(inferred.questions[1].localizedHint == LocalizedText("Stryd", translations: ["pl": "Ulica"]))

        // default_language alone names the default; the others come from the maps.
        let named = try FormDefinition.parse(yaml: """
            id: f
            version: 1
            default_language: en
            questions:
              - {name: a, type: text, label: {cy: Enw, en: Name}}
            """)
        #expect(named.defaultLanguage == "en")
        #expect(named.languages == [FormLanguage(code: "en"), FormLanguage(code: "cy")])
        #expect(named.questions[0].label == "Name")

        // languages alone: the first is the default; a language may be listed by code alone.
        let listed = try FormDefinition.parse(yaml: """
            id: f
            version: 1
            languages: [cy, {code: en, name: English}]
            questions:
              - {name: a, type: text, label: Enw}
            """)
        #expect(listed.defaultLanguage == "cy")
        #expect(listed.languages == [FormLanguage(code: "cy"), FormLanguage(code: "en", name: "English")])
    }

    // MARK: Faults

    @Test func aMapWithoutTheDefaultLanguageIsAFault() {
        #expect(faults(label: "{cy: Enw}", header: "default_language: en\n") == [
            "Question 'q' has no label in en, the form's default language.",
        ])
        #expect(faults("""
            id: f
            version: 1
            languages: [{code: en, name: English}, {code: cy, name: Cymraeg}]
            questions:
              - name: g
                type: group
                label: {cy: Grŵp}
                questions:
                  - {name: q, type: select_one l, label: Q, constraint: . != '', constraint_message: {cy: Na}}
            choices:
              l:
                - {name: a, label: {cy: A}}
            """) == [
            "Choice 'a' of list 'l' has no label in English (en), the form's default language.",
            "Group 'g' has no label in English (en), the form's default language.",
            "Question 'q' has no constraint_message in English (en), the form's default language.",
        ])
    }

    @Test func mapsUseOnlyTheListedLanguagesWithCodesThatCanBeCodes() {
        #expect(faults(label: "{en: Name, fr: Nom}", header: "languages: [en, cy]\n") == [
            "Question 'q' has a label in 'fr', which is not one of the form's languages (en, cy).",
        ])
        #expect(faults(label: "{en: Name, 'Welsh language': Enw}") == [
            "Question 'q' has a label in 'Welsh language', which is not a language code such as en or cy.",
        ])
        #expect(faults(label: "{en: Name, cy: [Enw]}") == [
            "Question 'q' has a list or mapping for 'label in cy' (line 6); write a single value.",
        ])
    }

    @Test func defaultLanguageAndLanguagesMustAgree() {
        #expect(faults(label: "Q", header: "default_language: fr\nlanguages: [en, cy]\n") == [
            "The form's default_language 'fr' is not one of its languages (en, cy).",
        ])
        #expect(faults(label: "Q", header: "default_language: Cymraeg iaith\n") == [
            "The form's default_language 'Cymraeg iaith' must be a language code such as en or cy.",
        ])
        #expect(faults(label: "Q", header: "languages: [en, en, {code: cy, name: Cymraeg, script: Latn}, {name: Polski}]\n") == [
            "The form lists the language 'en' twice.",
            "The form's languages have an entry with unknown key 'script'; a language takes code and name.",
            "The form's languages have an entry (line 3) with no code.",
        ])
        #expect(faults(label: "Q", header: "languages: cy\n") == [
            "The form's languages must be a list such as '- {code: cy, name: Cymraeg}' (line 3).",
        ])
    }

    // MARK: What changes with the language, and what does not

    @Test func messagesFollowTheValidatorsLanguageAndStoredValuesDoNot() throws {
        let form = try FormDefinition.parse(yaml: Self.bilingual)
        var validator = AnswerValidator(form: form, today: "2026-11-14")
        let english = validator.validate(["safe": .text("very"), "adults": .integer(0)])
        validator.language = "cy"
        let welsh = validator.validate(["safe": .text("very"), "adults": .integer(0)])
        #expect(english == .failure(AnswerProblems(problems: [AnswerProblem(question: "adults", message: "At least one adult.")])))
        #expect(welsh == .failure(AnswerProblems(problems: [AnswerProblem(question: "adults", message: "O leiaf un oedolyn.")])))

        // A choice typed as its label in either language is the same choice, and jr:choice-name()
        // stores the default language's label whichever language the questionnaire is in.
        let safe = try #require(form.question(named: "safe"))
        #expect(validator.coerce("diogel iawn", for: safe) == .success(.text("very")))
        #expect(validator.coerce("Very safe", for: safe) == .success(.text("very")))
        #expect(try validator.validate(["safe": .text("very")]).get() == ["safe": .text("very"), "safe_label": .text("Very safe")])
    }

    @Test func presenterShowsTheLanguageAskedFor() throws {
        let form = try FormDefinition.parse(yaml: Self.bilingual)
        let welsh = FormPresenter.render(form, language: "cy")
        #expect(welsh.contains("Languages: English (en, default), Cymraeg (cy). Shown in Cymraeg (cy).\n"))
        #expect(welsh.contains("== Amdanoch chi ==\nHepgorwch unrhyw gwestiwn.\n"))
        #expect(welsh.contains("1. Pa mor ddiogel ydych chi'n teimlo? *\n    (safe, choose one)\n    Hint: Read out the list.\n      1) Diogel iawn\n      2) Not safe\n"))
        #expect(welsh.contains("Rule: O leiaf un oedolyn."))
        let english = FormPresenter.render(form)
        #expect(english.contains("Languages: English (en, default), Cymraeg (cy).\n"))
        #expect(english.contains("1. How safe do you feel? *"))
        #expect(FormPresenter.render(form, language: "en") == english)
    }

    @Test func aggregatesTakeTheLabelsOfALanguageAndKeepEverythingElse() throws {
        var translated = AggregationFixture.form
        for index in translated.questions.indices where translated.questions[index].name == "feel_safe" {
            translated.questions[index].localizedLabel.translations["cy"] = "Pa mor ddiogel ydych chi'n teimlo ar ôl iddi dywyllu?"
            translated.questions[index].choices[0].localizedLabel.translations["cy"] = "Diogel iawn"
        }
        for index in translated.questions.indices where translated.questions[index].name == "follow_up" {
            translated.questions[index].choices[0].localizedLabel.translations["cy"] = "Heddlu"
        }
        let figures = AggregationFixture.aggregates()
        let welsh = figures.inLanguage("cy", forms: [translated])

        let feel = try #require(welsh.questions.first { $0.name == "feel_safe" })
        #expect(feel.label == "Pa mor ddiogel ydych chi'n teimlo ar ôl iddi dywyllu?")
        #expect(feel.choices.map(\.label) == ["Diogel iawn", "Fairly safe", "Fairly unsafe", "Very unsafe"])
        #expect(welsh.streets.allSatisfy { $0.questions.first { $0.name == "feel_safe" }?.choices.first?.label == "Diogel iawn" })
        #expect(welsh.headline.followUpsByAgency.first { $0.name == "police" }?.label == "Heddlu")
        #expect(welsh.csv().contains("choice,all,feel_safe,Pa mor ddiogel ydych chi'n teimlo ar ôl iddi dywyllu?,very_safe,Diogel iawn,"))

        // Only labels differ: put the English ones back and the figures are the same.
        #expect(welsh.inLanguage("en", forms: [translated]) == figures)
    }

    @Test func requiredMessagesAreTheFormsOwnInItsLanguages() throws {
        let form = try FormDefinition.parse(yaml: """
            id: f
            version: 1
            languages: [en, cy]
            questions:
              - name: consent
                type: text
                label: Consent
                required: true
                required_message: {en: Ask the resident first, cy: Gofynnwch i'r preswylydd yn gyntaf}
              - {name: other, type: text, label: Other, required: true}
            """)
        var validator = AnswerValidator(form: form, today: "2026-11-14")
        #expect(validator.validate([:]) == .failure(AnswerProblems(problems: [
            AnswerProblem(question: "consent", message: "Ask the resident first."),
            AnswerProblem(question: "other", message: "An answer is required."),
        ])))
        validator.language = "cy"
        #expect(validator.check(.text(""), for: form.questions[0], given: [:])?.message == "Gofynnwch i'r preswylydd yn gyntaf.")
        #expect(faults(label: "Q\n    required_message: Needed") == ["Question 'q' has a required_message but is not required."])
    }

    @Test func textMayShowAnswersOfQuestionsThatExist() {
        let text = LocalizedText("Tip: ${tip} on ${amount}", translations: ["cy": "Cildwrn: ${tip}"])
        #expect(text.references == ["tip", "amount"])
        #expect(LocalizedText.filling("Tip: ${tip}, ${ not a name }, ${missing} and ${", with: { $0 == "tip" ? "3" : nil })
            == "Tip: 3, ${ not a name }, ${missing} and ${")
        #expect(faults("""
            id: f
            version: 1
            questions:
              - {name: amount, type: decimal, label: Amount}
              - {name: shown, type: note, label: "You paid ${amount}", hint: "Tip ${tip}"}
            """) == ["Question 'shown' shows ${tip} in its hint, but there is no question 'tip'."])
    }
}
