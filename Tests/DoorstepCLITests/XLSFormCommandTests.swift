import DoorstepTestSupport
import Foundation
import Testing

/// `doorstep forms import`, and XLSForm workbooks read where a YAML form is: `forms check`,
/// `forms show`, `forms add`, then a questionnaire on the added form.
@Suite("doorstep forms with XLSForm workbooks")
struct XLSFormCommandTests {
    static let survey = [
        ["type", "name", "label::English (en)", "label::Cymraeg (cy)", "required", "relevant"],
        ["select_one yes_no", "consent", "May we ask a few questions?", "A gawn ni ofyn ychydig o gwestiynau?", "yes", ""],
        ["integer", "adults", "How many adults live here?", "Faint o oedolion sy'n byw yma?", "", "${consent} = 'yes'"],
    ]
    static let choices = [
        ["list_name", "name", "label::English (en)", "label::Cymraeg (cy)"],
        ["yes_no", "yes", "Yes", "Ie"], ["yes_no", "no", "No", "Na"],
    ]
    static let settings = [["form_id", "version", "form_title", "default_language"], ["drws", "2026110101", "Door survey", "English (en)"]]

    /// Writes a workbook of these sheets as `name` in the fixture's folder.
    static func workbook(_ fixture: CLIFixture, _ name: String, survey: [[String]] = survey) throws -> String {
        let url = fixture.directory.appending(name)
        try TestWorkbook(plain: [("survey", survey), ("choices", choices), ("settings", settings)]).xlsx().write(to: url)
        return url.path
    }

    @Test("import writes the YAML to stdout or a file; check, show and add read the workbook itself")
    func importCheckShowAdd() throws {
        let fixture = try CLIFixture(empty: true)
        defer { fixture.remove() }
        let file = try Self.workbook(fixture, "drws.xlsx")

        let yaml = try fixture.expectSuccess(["forms", "import", file])
        #expect(yaml.hasPrefix("# Imported from drws.xlsx by doorstep forms import.\nid: drws\nversion: 2026110101\ntitle: Door survey\ndefault_language: en\n"))
        let output = fixture.directory.appending("drws.yaml").path
        let written = try fixture.run(["forms", "import", file, "--output", output])
        #expect(written.status == 0)
        #expect(written.stdout.isEmpty)
        #expect(written.stderr == "Wrote \(output): form drws version 2026110101, 2 questions.\n")
        #expect(try String(contentsOfFile: output, encoding: .utf8) == yaml)
        #expect(try fixture.expectSuccess(["forms", "check", file, output])
            == "\(file): ok (drws version 2026110101, 2 questions, languages en, cy)\n\(output): ok (drws version 2026110101, 2 questions, languages en, cy)\n")
        #expect(try fixture.expectSuccess(["forms", "show", file, "--language", "cy"]).contains("1. A gawn ni ofyn ychydig o gwestiynau? *"))

        // Added from the workbook, the form is the YAML it converts to, and asks its questions.
        #expect(try fixture.expectSuccess(["forms", "add", file]) == "Added form drws version 2026110101: Door survey.\n")
        #expect(try fixture.expectSuccess(["forms", "add", output]) == "Form drws version 2026110101 is already on this laptop.\n")
        let csv = try fixture.directory.write(walkListCSV, to: "walk.csv")
        try fixture.expectSuccess(["campaigns", "add", "--id", "west", "--name", "West", "--form", "drws", "--addresses", csv])
        let id = try fixture.record(#"{"consent": "yes", "adults": 2}"#)
        #expect(try fixture.answers(id) == ["consent": "yes", "adults": 2] as NSDictionary)
    }

    @Test("What Doorstep cannot do, and a form that does not pass forms check, exit 65 and write nothing")
    func refusals() throws {
        let fixture = try CLIFixture(empty: true)
        defer { fixture.remove() }
        let output = fixture.directory.appending("out.yaml").path

        let repeats = try Self.workbook(fixture, "repeat.xlsx", survey: Self.survey + [["begin repeat", "people", "People", "", "", ""]])
        let refused = try fixture.run(["forms", "import", repeats, "--output", output])
        #expect(refused.status == 65)
        #expect(refused.stderr == "survey sheet, row 4, column A (type): Doorstep has no repeats: a response answers each question once.\n")
        #expect(!FileManager.default.fileExists(atPath: output))

        let broken = try Self.workbook(fixture, "broken.xlsx", survey: Self.survey + [["text", "why", "Why?", "", "", "${nope} = 'yes'"]])
        let faulty = try fixture.run(["forms", "import", broken, "--output", output])
        #expect(faulty.status == 65)
        #expect(faulty.stderr == "Question 'why' refers to ${nope} in its relevant (column 1), but there is no question 'nope'.\n")
        #expect(!FileManager.default.fileExists(atPath: output))
        let checked = try fixture.run(["forms", "check", repeats, broken])
        #expect(checked.status == 65)
        #expect(checked.stderr.contains("\(repeats): survey sheet, row 4, column A (type): Doorstep has no repeats"))
        #expect(checked.stderr.contains("\(broken): Question 'why' refers to ${nope}"))
        #expect(try fixture.run(["forms", "add", repeats]).status == 65)

        let notWorkbook = try fixture.directory.write("type,name,label\n", to: "survey.xlsx")
        let unreadable = try fixture.run(["forms", "import", notWorkbook])
        #expect(unreadable.status == 65)
        #expect(unreadable.stderr.contains("The file is not an .xlsx workbook"))
        #expect(try fixture.run(["forms", "import", "forms/community-safety.yaml"]).status == 64)
    }
}
