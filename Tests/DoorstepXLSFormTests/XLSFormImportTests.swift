import DoorstepCore
import DoorstepTestSupport
import Foundation
import Testing

@testable import DoorstepXLSForm

/// XLSForm workbooks made in the test, cell by cell, turned into Doorstep forms: what real
/// `.xlsx` files hold, what maps to what, and what is refused with its sheet, row and column.
@Suite struct XLSFormImportTests {
    typealias Cell = TestWorkbook.Cell

    /// The form a workbook of these sheets imports as.
    static func form(_ sheets: [(name: String, rows: [[Cell?]])]) throws -> FormDefinition {
        try FormDefinition.parse(yaml: try yaml(sheets))
    }

    static func yaml(_ sheets: [(name: String, rows: [[Cell?]])], fileName: String = "street.xlsx") throws -> String {
        try XLSForm.yaml(xlsx: try TestWorkbook(sheets).xlsx(), fileName: fileName)
    }

    /// The error importing these sheets gives.
    static func refusal(_ sheets: [(name: String, rows: [[Cell?]])]) throws -> String {
        do {
            _ = try yaml(sheets)
            return "no error"
        } catch let error as XLSFormError {
            return error.description
        }
    }

    static let settings: (name: String, rows: [[Cell?]]) = ("settings", [["form_id", "version"], ["street", .number("1")]])

    // MARK: What an .xlsx file holds

    @Test("Shared, inline, rich and formula text, numbers, booleans, empty rows, headings in any order and case")
    func cellsAsSpreadsheetsWriteThem() throws {
        let form = try Self.form([
            ("Survey", [
                ["Label", "NAME", "TYPE", "Required"],
                [],
                [.rich(["How ", "safe", " do you feel?"]), .inline("safe"), "select_one scale", .boolean(true)],
                [nil, nil, nil, nil],
                [.formulaText("Years here"), "years", "integer", .text("TRUE()")],
                ["Comments", "comments", "text", .boolean(false)],
            ]),
            ("choices", [
                ["list_name", "name", "label"],
                ["scale", .number("1"), "Safe"],
                ["scale", .number("2.0"), .inline("Unsafe")],
                ["scale", .number("2.5"), "Half"],
            ]),
            ("SETTINGS", [["Version", "form_id", "form_title"], [.number("2024010101"), "street", .number("7")]]),
        ])
        #expect(form.version == "2024010101")
        #expect(form.title == "7")
        #expect(form.questions.map(\.name) == ["safe", "years", "comments"])
        #expect(form.questions.map(\.label) == ["How safe do you feel?", "Years here", "Comments"])
        #expect(form.questions.map(\.required) == [true, true, false])
        #expect(form.questions[0].choices.map(\.name) == ["1", "2", "2.5"])
    }

    @Test("A cascading select: choice_filter and the choices sheet's other columns become the YAML's")
    func cascadingSelect() throws {
        let sheets: [(name: String, rows: [[Cell?]])] = [
            ("survey", [
                ["type", "name", "label", "choice_filter"],
                ["select_one counties", "county", "County", nil],
                ["select_one districts", "district", "District", "county = ${county}"],
            ]),
            ("choices", [
                ["list_name", "name", "label", "county"],
                ["counties", "north", "North", nil],
                ["counties", "south", "South", nil],
                ["districts", "n1", "Northgate", "north"],
                ["districts", "s1", "Southend", "south"],
            ]),
            Self.settings,
        ]
        let yaml = try Self.yaml(sheets)
        #expect(yaml.contains("    choice_filter: county = ${county}\n"))
        #expect(yaml.contains("    - name: n1\n      label: Northgate\n      county: north\n"))
        let form = try FormDefinition.parse(yaml: yaml)
        let district = try #require(form.question(named: "district"))
        #expect(district.choiceFilter == "county = ${county}")
        #expect(AnswerValidator(form: form, today: "2026-12-04").choices(for: district, given: ["county": .text("south")]).map(\.name) == ["s1"])
    }

    @Test("The form's id is the file's name when the settings give none")
    func idFromTheFileName() throws {
        let yaml = try Self.yaml([("survey", [["type", "name", "label"], ["text", "q", "Q"]]), ("settings", [["version"], ["3"]])],
                                 fileName: "/tmp/forms/West End day.xlsx")
        #expect(yaml.hasPrefix("# Imported from West End day.xlsx by doorstep forms import.\nid: West End day\nversion: 3\n"))
    }

    @Test("A cell holding an error, and a file that is not a workbook, are refused")
    func notWorkbooks() throws {
        #expect(try Self.refusal([("survey", [["type", "name", "label"], ["text", .error("#N/A"), "Q"]])])
            == "survey sheet, row 2, column B: The cell holds the error #N/A; correct it in the spreadsheet.")
        #expect(throws: XLSFormError(message: "The file is not an .xlsx workbook (it is not a ZIP archive); save it from the spreadsheet as Excel Workbook (.xlsx).")) {
            try XLSForm.yaml(xlsx: Data("type,name,label\n".utf8), fileName: "survey.csv.xlsx")
        }
        #expect(try Self.refusal([("questions", [["type"], ["text"]])])
            == "The workbook has no survey sheet; an XLSForm lists its questions on a sheet called survey.")
    }

    // MARK: What maps to what

    @Test("Every column Doorstep reads, groups, metadata, Doorstep's own columns and settings")
    func everyColumn() throws {
        let yaml = try Self.yaml([
            ("survey", [
                ["type", "name", "label", "hint", "required", "required_message", "relevant", "constraint", "constraint_message",
                 "default", "calculation", "appearance", "read_only", "sensitive", "on_withdrawal", "safeguarding"],
                ["start", "started"],
                ["select_one yes_no", "consent", "May we ask?", nil, "yes", "Ask first."],
                ["begin_group", "about", "About you", "Skip any.", nil, nil, "${consent} = 'yes'", nil, nil, nil, nil, "field-list"],
                ["date", "moved_in", "Moved in", nil, nil, nil, nil, ". <= today()", "Not in the future.", "today()"],
                ["select all that apply problem", "problems", "Problems", nil, nil, nil, nil, nil, nil, "noise litter", nil, "minimal"],
                ["calculate", "count", nil, nil, nil, nil, nil, nil, nil, nil, "count-selected(${problems})", nil, "yes"],
                ["end_group"],
                ["text", "phone", "Phone", nil, nil, nil, nil, nil, nil, nil, nil, nil, "no", "yes", "erase"],
                ["select one yes_no", "concern", "Concern?", nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, "TRUE"],
            ]),
            ("choices", [
                ["list_name", "name", "label", "replaces"],
                ["yes_no", "yes", "Yes", "y, aye"], ["yes_no", "no", "No", "n"],
                ["problem", "noise", "Noise"], ["problem", "litter", "Litter"], ["problem", "null", "~"],
            ]),
            ("settings", [["form_id", "version", "form_title", "consent", "instance_name"], ["street", "4", "Street: survey", "consent", "concat(${consent})"]]),
        ])
        #expect(yaml == """
            # Imported from street.xlsx by doorstep forms import.
            # XLSForm setting instance_name: concat(${consent}) (for ODK servers; Doorstep does not use it)
            id: street
            version: 4
            title: "Street: survey"
            consent: consent
            questions:
              - name: started
                type: calculate
                calculate: once(now())
              - name: consent
                type: select_one yes_no
                label: May we ask?
                required: true
                required_message: Ask first.
              # XLSForm appearance: field-list (not used in a terminal)
              - name: about
                type: group
                label: About you
                hint: Skip any.
                relevant: ${consent} = 'yes'
                questions:
                  - name: moved_in
                    type: date
                    label: Moved in
                    constraint: . <= today()
                    constraint_message: Not in the future.
                    default: today
                  # XLSForm appearance: minimal (not used in a terminal)
                  - name: problems
                    type: select_multiple problem
                    label: Problems
                    default: noise litter
                  - name: count
                    type: calculate
                    calculate: count-selected(${problems})
              - name: phone
                type: text
                label: Phone
                sensitive: true
                on_withdrawal: erase
              - name: concern
                type: select_one yes_no
                label: Concern?
                safeguarding: true
            choices:
              yes_no:
                - name: yes
                  label: Yes
                  replaces:
                    - y
                    - aye
                - name: no
                  label: No
                  replaces: n
              problem:
                - name: noise
                  label: Noise
                - name: litter
                  label: Litter
                - name: "null"
                  label: "~"

            """)
        let form = try FormDefinition.parse(yaml: yaml)
        #expect(form.question(named: "problems")?.choices.map(\.label) == ["Noise", "Litter", "~"])
        #expect(form.question(named: "consent")?.localizedRequiredMessage == "Ask first.")
    }

    @Test("label::Name (code) columns are the form's languages; default_language names the plain columns' language")
    func languages() throws {
        let form = try Self.form([
            ("survey", [
                ["type", "name", "label", "label::Cymraeg (cy)", "hint::cy", "constraint", "constraint_message", "constraint_message::Cymraeg (cy)"],
                ["integer", "adults", "Adults", "Oedolion", nil, ". > 0", "At least one.", "O leiaf un."],
                ["select_one yes_no", "ok", "All well?", "Popeth yn iawn?"],
            ]),
            ("choices", [["list_name", "name", "label", "label::Cymraeg (cy)"], ["yes_no", "yes", "Yes", "Ie"], ["yes_no", "no", "No"]]),
            ("settings", [["form_id", "version", "default_language"], ["street", "1", "English (en)"]]),
        ])
        #expect(form.defaultLanguage == "en")
        #expect(form.languages == [FormLanguage(code: "en", name: "English"), FormLanguage(code: "cy", name: "Cymraeg")])
        let adults = try #require(form.question(named: "adults"))
        #expect(adults.localizedLabel == LocalizedText("Adults", translations: ["cy": "Oedolion"]))
        #expect(adults.localizedConstraintMessage == LocalizedText("At least one.", translations: ["cy": "O leiaf un."]))
        #expect(form.question(named: "ok")?.choices.map(\.localizedLabel) == [LocalizedText("Yes", translations: ["cy": "Ie"]), LocalizedText("No")])
    }

    @Test("A hint only in Welsh is a form fault, named by question, as for a YAML form")
    func textWithoutTheDefaultLanguage() throws {
        #expect(throws: FormError(faults: ["Question 'adults' has no hint in English (en), the form's default language."])) {
            try Self.form([
                ("survey", [["type", "name", "label::English (en)", "hint::Cymraeg (cy)"], ["integer", "adults", "Adults", "Nifer"]]),
                Self.settings,
            ])
        }
    }

    // MARK: What is refused, and where

    static let refusals: [(String, [[Cell?]], String)] = [
        ("repeat", [["type", "name", "label"], ["begin repeat", "people", "People"]],
         "survey sheet, row 2, column A (type): Doorstep has no repeats: a response answers each question once."),
        ("geopoint", [["label", "type", "name"], ["Where?", "geopoint", "where"]],
         "survey sheet, row 2, column B (type): Doorstep records no locations (geopoint); the walk list says where each door is."),
        ("external data", [["type", "name", "label"], ["select_one_from_file streets.csv", "street", "Street"]],
         "survey sheet, row 2, column A (type): Doorstep reads no external data (select_one_from_file); list the choices on the choices sheet."),
        ("a photo", [["type", "name", "label"], ["image", "photo", "Photo"]],
         "survey sheet, row 2, column A (type): Doorstep records no photos, sound or files (image)."),
        ("an unknown type", [["type", "name", "label"], ["text", "a", "A"], [], ["rank", "b", "B"]],
         "survey sheet, row 4, column A (type): Doorstep has no question type 'rank'; it takes text, integer, decimal, date, time, datetime, select_one, select_multiple, note, acknowledge, calculate, start, today and groups."),
        ("media", [["type", "name", "label", "image"], ["note", "map", "Map", "map.png"]],
         "survey sheet, row 2, column D (image): Doorstep shows no pictures, sound or video; take the media out of the form."),
        ("an unknown column", [["type", "name", "label", "guidance_hint"], ["text", "a", "A", "Say it slowly"]],
         "survey sheet, row 2, column D (guidance_hint): Doorstep does not know the column 'guidance_hint'; its columns are appearance, calculation, choice_filter, constraint, constraint_message, default, hint, label, name, on_withdrawal, read_only, relevant, required, required_message, retention, safeguarding, sensitive, type (see docs/forms.md)."),
        ("a cell without a heading", [["type", "name", "label"], ["text", "a", "A", "stray"]],
         "survey sheet, row 2, column D: The column has no heading; give it one, or empty it."),
        ("required as an expression", [["type", "name", "label", "required"], ["text", "a", "A", "${b} = 'yes'"]],
         "survey sheet, row 2, column D (required): Doorstep's required is yes or no, not '${b} = 'yes''; ask the question only when it applies with relevant."),
        ("read-only input", [["type", "name", "label", "read_only"], ["text", "a", "A", "yes"]],
         "survey sheet, row 2, column D (read_only): Doorstep has no read-only questions; show a computed value with a calculate question, or text with a note."),
        ("a calculation on an input", [["type", "name", "label", "calculation"], ["integer", "a", "A", "1 + 1"]],
         "survey sheet, row 2, column D (calculation): Doorstep computes only calculate questions; make this row a calculate, or take out its calculation."),
        ("a dynamic default", [["type", "name", "label", "default"], ["integer", "a", "A", "${b} + 1"]],
         "survey sheet, row 2, column D (default): Doorstep's default is an answer as typed, not an expression ('${b} + 1'); compute it with a calculate question."),
        ("or_other", [["type", "name", "label"], ["select_one l or_other", "a", "A"]],
         "survey sheet, row 2, column A (type): Doorstep has no or_other; add a choice other and a text question asked when it is chosen."),
        ("a group never closed", [["type", "name", "label"], ["begin group", "g", "G"], ["text", "a", "A"]],
         "survey sheet, row 2, column A (type): This group is never closed; add an end group row after its last question."),
        ("an end group too many", [["type", "name", "label"], ["text", "a", "A"], ["end group"]],
         "survey sheet, row 3, column A (type): This end group closes no group."),
        ("a group that is required", [["type", "name", "label", "required"], ["begin group", "g", "G", "yes"], ["end group"]],
         "survey sheet, row 2, column D (required): Doorstep does not use required on a group, which takes hint, label, name, relevant."),
        ("a row without a type", [["type", "name", "label"], [nil, "a", "A"]],
         "survey sheet, row 2, column A (type): The row has no type; give it one, or delete the row."),
        ("a language without a code", [["type", "name", "label::Scottish Gaelic"], ["text", "a", "A"]],
         "survey sheet, row 1, column C (label::Scottish Gaelic): 'Scottish Gaelic' names no language code; write the heading as label::Name (code), such as label::Cymraeg (cy)."),
        ("a plain label beside languages", [["type", "name", "label", "label::Cymraeg (cy)"], ["text", "a", "A", "A"]],
         "survey sheet, row 1, column C (label): The column has no language while others have one (Cymraeg (cy)); name its language in the settings sheet's default_language, such as English (en)."),
    ]

    @Test("Whatever Doorstep cannot do is refused with its sheet, row and column", arguments: refusals.indices)
    func refused(_ index: Int) throws {
        let (what, survey, expected) = Self.refusals[index]
        #expect(try Self.refusal([("survey", survey), Self.settings]) == expected, "\(what)")
    }

    @Test("The choices and settings sheets are held to their columns too, and a version is needed")
    func choicesAndSettings() throws {
        let survey: (name: String, rows: [[Cell?]]) = ("survey", [["type", "name", "label"], ["select_one l", "a", "A"]])
        // A choice's other column is kept for a choice_filter; one that no filter reads is refused by forms check.
        let unread = try Self.yaml([survey, ("choices", [["list_name", "name", "label", "area"], ["l", "x", "X", "west"]]), Self.settings])
        #expect(throws: FormError(faults: [
            "Choice list 'l' has a choice with unknown key 'area'; a choice takes name, label, replaces and the columns a choice_filter of its questions reads.",
        ])) { try FormDefinition.parse(yaml: unread) }
        #expect(try Self.refusal([survey, ("choices", [["list_name", "name", "label"], ["l", nil, "X"]]), Self.settings])
            == "choices sheet, row 2, column B (name): The choice has no name.")
        #expect(try Self.refusal([survey, ("settings", [["form_id", "version", "allow_choice_duplicates"], ["f", "1", "yes"]])])
            == "settings sheet, row 2, column C (allow_choice_duplicates): Doorstep does not know the setting 'allow_choice_duplicates'; its settings are consent, default_language, form_id, form_title, retention, version.")
        #expect(try Self.refusal([survey, ("settings", [["form_id"], ["f"]])])
            == "settings sheet, row 2, column version: The form has no version; Doorstep keeps every version of a form, so give it one, such as 1 or 2026110101.")
        #expect(try Self.refusal([survey, ("settings", [["version", "default_language"], ["1", "English language"]])])
            == "settings sheet, row 2, column B (default_language): 'English language' names no language code; write it as Name (code), such as English (en).")
    }

    // MARK: Retention and follow-ups

    /// A form with a follow-up route: who calls back, the contact details sealed to them.
    static let routedSurvey: (name: String, rows: [[Cell?]]) = ("survey", [
        ["type", "name", "label", "required", "sensitive", "retention"],
        ["select_multiple agency", "follow_up_agency", "Who should contact you?", nil, nil, nil],
        ["text", "contact_name", "Your name", "yes", "yes", "12 months"],
        ["select_one method", "contact_method", "How should they contact you?", nil, nil, nil],
        ["integer", "age", "Age", nil, nil, nil],
    ])
    static let routedChoices: (name: String, rows: [[Cell?]]) = ("choices", [
        ["list_name", "name", "label"],
        ["agency", "fire_rescue", "Fire and rescue"], ["agency", "council_asb", "The council's ASB team"], ["agency", "none", "Nobody"],
        ["method", "phone", "Phone"], ["method", "visit", "A visit"],
    ])
    static let routedSettings: (name: String, rows: [[Cell?]]) = (
        "settings", [["form_id", "version", "retention"], ["street", .number("1"), "3 years"]]
    )

    @Test("The follow_ups sheet gives one route a row; retention, a column and a setting, gives the periods")
    func followUpsAndRetention() throws {
        let routes: (name: String, rows: [[Cell?]]) = ("follow_ups", [
            ["Question", "agencies", "sealed", "with"],
            // Pairs apart by spaces or commas, and `=` with spaces around it, read the same.
            ["follow_up_agency", "fire_rescue=fire,  council_asb = council-asb", "contact_name", "contact_method"],
        ])
        let yaml = try Self.yaml([Self.routedSurvey, Self.routedChoices, Self.routedSettings, routes])
        #expect(yaml.contains("""
            retention: 3 years
            follow_ups:
              - question: follow_up_agency
                agencies:
                  fire_rescue: fire
                  council_asb: council-asb
                sealed:
                  - contact_name
                with:
                  - contact_method
            questions:
            """))
        let form = try FormDefinition.parse(yaml: yaml)
        #expect(form.followUps == [FollowUpRoute(
            question: "follow_up_agency", agencies: [("fire_rescue", "fire"), ("council_asb", "council-asb")],
            sealed: ["contact_name"], with: ["contact_method"]
        )])
        #expect(form.retention == RetentionPeriod(count: 3, unit: .year))
        #expect(form.question(named: "contact_name")?.retention == RetentionPeriod(count: 12, unit: .month))
        #expect(form.question(named: "age")?.retention == nil)
        #expect(form.question(named: "age").map(form.retention(of:)) == RetentionPeriod(count: 3, unit: .year))

        // Without the sheet and the setting, a form has neither.
        let plain = try Self.form([Self.routedSurvey, Self.routedChoices, Self.settings])
        #expect(plain.followUps.isEmpty && plain.retention == nil)
    }

    static let routeRefusals: [(String, [[Cell?]], String)] = [
        ("a pair without =", [["question", "agencies"], ["follow_up_agency", "fire_rescue=fire council_asb:council-asb"]],
         "follow_ups sheet, row 2, column B (agencies): 'council_asb:council-asb' is not a choice=agency pair; write each choice that asks an agency and the agency's id, separated by spaces, such as fire_rescue=fire council_asb=council-asb."),
        ("a pair without an agency", [["question", "agencies"], ["follow_up_agency", "fire_rescue="]],
         "follow_ups sheet, row 2, column B (agencies): 'fire_rescue=' is not a choice=agency pair; write each choice that asks an agency and the agency's id, separated by spaces, such as fire_rescue=fire council_asb=council-asb."),
        ("a pair with two =", [["question", "agencies"], ["follow_up_agency", "fire_rescue=fire=police"]],
         "follow_ups sheet, row 2, column B (agencies): 'fire_rescue=fire=police' is not a choice=agency pair; write each choice that asks an agency and the agency's id, separated by spaces, such as fire_rescue=fire council_asb=council-asb."),
        ("no agencies", [["question", "agencies", "sealed"], ["follow_up_agency", nil, "contact_name"]],
         "follow_ups sheet, row 2, column B (agencies): The route has no agencies; pair each choice that asks an agency with the agency's id, such as fire_rescue=fire council_asb=council-asb."),
        ("no question", [["question", "agencies"], [], [nil, "fire_rescue=fire"]],
         "follow_ups sheet, row 3, column A (question): The route has no question; name the select question whose choices ask agencies."),
        ("an unknown column", [["question", "agencies", "sealed", "with", "notes"], ["follow_up_agency", "fire_rescue=fire", nil, nil, "Call within a week"]],
         "follow_ups sheet, row 2, column E (notes): Doorstep does not know the column 'notes'; its columns are agencies, question, sealed, with (see docs/forms.md)."),
    ]

    @Test("A follow_ups row Doorstep cannot read is refused with its sheet, row and column", arguments: routeRefusals.indices)
    func routeRefused(_ index: Int) throws {
        let (what, routes, expected) = Self.routeRefusals[index]
        #expect(try Self.refusal([Self.routedSurvey, Self.routedChoices, Self.settings, ("follow_ups", routes)]) == expected, "\(what)")
    }

    @Test("Names a route gives and retention periods are checked as a YAML form's are, by question")
    func routesCheckedAsForms() throws {
        let routes: (name: String, rows: [[Cell?]]) = ("follow_ups", [
            ["question", "agencies", "sealed"],
            ["follow_up_agency", "fire_rescue=Fire bins=council", "contact_name age"],
        ])
        let survey: (name: String, rows: [[Cell?]]) = ("survey", Self.routedSurvey.rows + [["text", "note_to_self", "Notes", nil, nil, "for ever"]])
        let settings: (name: String, rows: [[Cell?]]) = ("settings", [["form_id", "version", "retention"], ["street", "1", "3 decades"]])
        let yaml = try Self.yaml([survey, Self.routedChoices, settings, routes])
        #expect(throws: FormError(faults: [
            "The form has retention '3 decades'; write \(RetentionPeriod.rule).",
            "Question 'note_to_self' has retention 'for ever'; write \(RetentionPeriod.rule).",
            "The follow-up route of 'follow_up_agency' sends 'fire_rescue' to agency 'Fire'; an agency id is \(AgencyID.rule).",
            "The follow-up route of 'follow_up_agency' maps 'bins', which is not a choice of 'follow_up_agency'.",
            "The follow-up route of 'follow_up_agency' seals 'age'; mark it sensitive: true, as personal data.",
        ])) { try FormDefinition.parse(yaml: yaml) }
    }

    // MARK: The sample forms

    @Test("The XLSForm version of each sample form imports as the same form", arguments: XLSFormRows.sampleForms)
    func sampleFormsRoundTrip(file: String) throws {
        let yamlForm = try FormDefinition.parse(yaml: try String(contentsOf: BuiltProducts.sampleForm(file), encoding: .utf8))
        let sheets = XLSFormRows.sheets(of: yamlForm)
        let imported = try FormDefinition.parse(yaml: try XLSForm.yaml(xlsx: try TestWorkbook(plain: sheets).xlsx(), fileName: file))
        #expect(imported == yamlForm)
    }
}
