import DoorstepCore
import DoorstepTestSupport
import Foundation
import Testing

@testable import DoorstepXLSForm

/// pyxform, the reference XLSForm converter, as the oracle of `doorstep forms import`: a corpus
/// of workbooks written by openpyxl (the sample forms' XLSForm versions, forms written by hand for
/// days of action, the XLSForm specification's examples) is read by both, and compared question
/// by question. Needs python3 with pyxform and openpyxl (`.ci/run` installs them); without them
/// these tests are skipped, saying so.
@Suite("XLSForm import against pyxform", .enabled(if: PyxformOracle.isAvailable, "python3 with pyxform and openpyxl is needed"))
struct PyxformOracleTests {
    /// The corpus's forms Doorstep imports, and its forms Doorstep refuses, with where.
    static let imported = [
        "sample-community-safety", "sample-community-safety-cy", "sample-safe-and-well", "sample-women-girls-safety",
        "bin-fires", "welfare-check", "asb-street",
        "spec-relevant", "spec-constraint", "spec-calculation", "spec-languages", "spec-groups", "spec-cascading-select",
    ]
    static let refused = [
        ("refused-repeat", "survey sheet, row 3, column A (type)"),
        ("refused-geopoint", "survey sheet, row 2, column B (type)"),
        ("refused-external", "survey sheet, row 2, column A (type)"),
        ("refused-media", "survey sheet, row 2, column D (media::image)"),
    ]

    @Test("pyxform and Doorstep read the same questions, types, choices, labels per language and expressions", arguments: imported)
    func agreesWithPyxform(name: String) throws {
        let corpus = try PyxformOracle.corpus.get()
        let oracle = try PyxformOracle.summary(name, in: corpus)
        #expect(oracle["ok"] as? Bool == true, "pyxform refused \(name): \(oracle["error"] ?? "")")
        let form = try FormDefinition.parse(yaml: try XLSForm.yaml(xlsx: try Data(contentsOf: corpus.appendingPathComponent(name + ".xlsx")), fileName: name + ".xlsx"))

        #expect(oracle["id"] as? String == form.id, "\(name)")
        #expect(oracle["version"] as? String == form.version, "\(name)")
        if let title = oracle["title"] as? String { #expect(title == form.title, "\(name)") }
        let nodes = oracle["nodes"] as? [[String: Any]] ?? []
        var compared: Set<String> = []
        for node in nodes {
            let nodeName = node["name"] as? String ?? ""
            let type = node["type"] as? String ?? ""
            let place = "\(name): \(nodeName)"
            let xform = node["xform"] as? [String: String] ?? [:]
            if type == "group" {
                guard let group = form.group(named: nodeName) else {
                    // A group without label or skip logic is only a way of laying out the sheet.
                    #expect(PyxformOracle.texts(node["label"]).isEmpty && xform["relevant"] == nil, "\(place): group missing")
                    continue
                }
                PyxformOracle.expectTexts(node["label"], group.localizedLabel, form, place + " label")
                #expect(PyxformOracle.normalized(xform["relevant"]) == PyxformOracle.normalized(group.relevant), "\(place) relevant")
                continue
            }
            compared.insert(nodeName)
            guard let question = form.question(named: nodeName) else {
                Issue.record("\(place): pyxform has the question, Doorstep does not")
                continue
            }
            #expect(PyxformOracle.doorstepType(type, list: node["list_name"] as? String) == question.type, "\(place) type \(type)")
            PyxformOracle.expectTexts(node["label"], question.localizedLabel, form, place + " label")
            PyxformOracle.expectTexts(node["hint"], question.localizedHint, form, place + " hint")
            PyxformOracle.expectTexts(node["constraint_message"], question.localizedConstraintMessage, form, place + " constraint_message")
            PyxformOracle.expectTexts(node["required_message"], question.localizedRequiredMessage, form, place + " required_message")
            #expect((xform["required"] == "true()") == question.required, "\(place) required: \(xform["required"] ?? "no")")
            #expect(PyxformOracle.normalized(xform["relevant"]) == PyxformOracle.normalized(question.relevant), "\(place) relevant")
            #expect(PyxformOracle.normalized(xform["constraint"]) == PyxformOracle.normalized(question.constraint), "\(place) constraint")
            if !["start", "today"].contains(type) {
                #expect(PyxformOracle.normalized(xform["calculate"]) == PyxformOracle.normalized(question.calculate), "\(place) calculate")
            }
            let choices = node["choices"] as? [[String: Any]] ?? []
            #expect(choices.map { $0["name"] as? String ?? "" } == question.choices.map(\.name), "\(place) choices")
            for (choice, mine) in zip(choices, question.choices) {
                PyxformOracle.expectTexts(choice["label"], mine.localizedLabel, form, "\(place) choice \(mine.name)")
                #expect(choice["columns"] as? [String: String] ?? [:] == mine.properties, "\(place) choice \(mine.name) columns")
            }
            #expect(
                PyxformOracle.normalized(node["choice_filter"] as? String) == PyxformOracle.normalized(question.choiceFilter),
                "\(place) choice_filter"
            )
        }
        #expect(compared == Set(form.questions.map(\.name)), "\(name): the questions differ")

        // The sample forms' XLSForm versions, written by openpyxl, import as the YAML forms, follow-up
        // routes and retention periods included: Doorstep reads its `retention` column and setting
        // and its `follow_ups` sheet from the same file, while pyxform (which took it above, `ok`)
        // ignores the sheet and the column and setting it does not know.
        if name.hasPrefix("sample-") {
            let file = String(name.dropFirst("sample-".count)) + ".yaml"
            #expect(form == (try FormDefinition.parse(yaml: try String(contentsOf: BuiltProducts.sampleForm(file), encoding: .utf8))))
        }
    }

    @Test("A valid XLSForm with what Doorstep cannot do is refused with its sheet, row and column", arguments: refused)
    func refusesWhatPyxformTakes(name: String, place: String) throws {
        let corpus = try PyxformOracle.corpus.get()
        #expect(try PyxformOracle.summary(name, in: corpus)["ok"] as? Bool == true, "pyxform takes \(name)")
        do {
            _ = try XLSForm.yaml(xlsx: try Data(contentsOf: corpus.appendingPathComponent(name + ".xlsx")), fileName: name)
            Issue.record("\(name) was imported")
        } catch let error as XLSFormError {
            #expect(error.description.hasPrefix(place + ": "), "\(error.description)")
        }
    }
}

/// The corpus built once per test run, pyxform's summaries of it, and the comparisons.
enum PyxformOracle {
    static let script = BuiltProducts.packageRoot.appendingPathComponent("Tests/DoorstepXLSFormTests/Fixtures/xlsform_corpus.py")

    /// Whether python3 can import pyxform and openpyxl; says why not when it cannot.
    static let isAvailable: Bool = {
        let result = try? ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", "import pyxform, openpyxl"], timeout: 60)
        guard result?.status == 0 else {
            let why = result?.stderr.split(separator: "\n").last.map(String.init) ?? "python3 did not run"
            print("Skipping the pyxform oracle tests: python3 cannot import pyxform and openpyxl (pip install pyxform openpyxl): \(why)")
            return false
        }
        return true
    }()

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The folder of workbooks and summaries: the corpus of the script, the sample forms written
    /// as XLSForms (``XLSFormRows``), and pyxform's reading of each.
    static let corpus: Result<URL, Failure> = {
        do {
            let directory = try TemporaryDirectory("xlsform-corpus").url
            var spec: [String: [String: [[String?]]]] = [:]
            for file in XLSFormRows.sampleForms {
                let form = try FormDefinition.parse(yaml: try String(contentsOf: BuiltProducts.sampleForm(file), encoding: .utf8))
                var sheets: [String: [[String?]]] = [:]
                for (name, rows) in XLSFormRows.sheets(of: form) { sheets[name] = rows.map { $0.map { $0.isEmpty ? nil : $0 } } }
                spec["sample-" + file.replacingOccurrences(of: ".yaml", with: "")] = sheets
            }
            let specFile = directory.appendingPathComponent("samples.json")
            try JSONEncoder().encode(spec).write(to: specFile)
            for arguments in [["write", specFile.path, directory.path], ["corpus", directory.path], ["oracle", directory.path]] {
                let result = try ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/env"), ["python3", script.path] + arguments, timeout: 300)
                guard result.status == 0 else { throw Failure(description: "xlsform_corpus.py \(arguments[0]) failed: \(result.stderr)") }
            }
            return .success(directory)
        } catch let failure as Failure {
            return .failure(failure)
        } catch {
            return .failure(Failure(description: "\(error)"))
        }
    }()

    static func summary(_ name: String, in corpus: URL) throws -> [String: Any] {
        let data = try Data(contentsOf: corpus.appendingPathComponent(name + ".pyxform.json"))
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    /// The Doorstep type pyxform's type stands for (`start` and `today` are calculations).
    static func doorstepType(_ type: String, list: String?) -> QuestionType? {
        switch type {
        case "select one": list.map { .selectOne(list: $0) }
        case "select all that apply": list.map { .selectMultiple(list: $0) }
        case "text": .text
        case "integer": .integer
        case "decimal": .decimal
        case "date": .date
        case "time": .time
        case "datetime": .dateTime
        case "acknowledge": .acknowledge
        case "note": .note
        case "calculate", "start", "today": .calculate
        default: nil
        }
    }

    /// pyxform's texts by its language keys (`English (en)`, or `default` for a column without one).
    static func texts(_ value: Any?) -> [String: String] {
        value as? [String: String] ?? [:]
    }

    /// Each of pyxform's texts is Doorstep's in that language, and Doorstep has no others.
    ///
    /// pyxform writes curly quotes (“ ”) in messages as straight ones; Doorstep keeps the text as
    /// the author wrote it, so quotes are compared as straight.
    static func expectTexts(_ value: Any?, _ mine: LocalizedText?, _ form: FormDefinition, _ place: String) {
        let theirs = texts(value)
        func straight(_ text: String?) -> String? {
            text?.replacingOccurrences(of: "\u{201C}", with: "\"").replacingOccurrences(of: "\u{201D}", with: "\"")
        }
        var codes: Set<String> = []
        for (key, text) in theirs {
            let code = key == "default" ? form.defaultLanguage : XLSFormSheet.language(key)?.code
            if let code { codes.insert(code) }
            #expect(straight(mine?.text(in: code)) == straight(text), "\(place) in \(key)")
        }
        let translated = Set(mine.map { Array($0.translations.keys) } ?? [])
        #expect(translated.isSubset(of: codes), "\(place): Doorstep has more languages")
        if theirs.isEmpty { #expect(mine == nil || mine?.isEmpty == true, "\(place): pyxform has none") }
    }

    /// An expression with pyxform's `/data/…/name` paths and Doorstep's `${name}` both written
    /// `${name}`, and white space outside quotes taken out.
    static func normalized(_ expression: String?) -> String? {
        guard var text = expression else { return nil }
        for (pattern, template) in [
            (#"/data(?:/[A-Za-z_][A-Za-z0-9_.-]*)*/([A-Za-z_][A-Za-z0-9_.-]*)"#, "\\${$1}"),
            (#"'\s*(\$\{[A-Za-z0-9_.-]+\})\s*'"#, "'$1'"),
        ] {
            let regex = try? NSRegularExpression(pattern: pattern)
            text = regex?.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: template) ?? text
        }
        var out = ""
        var quote: Character?
        for character in text {
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "'" || character == "\"" {
                quote = character
            } else if character.isWhitespace {
                continue
            }
            out.append(character)
        }
        return out
    }
}
