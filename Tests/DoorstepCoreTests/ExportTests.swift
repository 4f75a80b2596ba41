import DoorstepCore
import DoorstepWire
import Foundation
import Testing

@Suite("Export: raw responses as CSV and JSON")
struct ExportTests {
    typealias Fixture = AggregationFixture

    @Test("CSV quoting follows RFC 4180 and parses back")
    func quoting() {
        let fields = ["plain", "a,b", "say \"hi\"", "two\r\nlines", " padded ", "", "x\ny"]
        let text = CSV.row(fields)
        #expect(text == "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\r\nlines\",\" padded \",,\"x\ny\"\r\n")
        #expect(CSV.parse(text) == [fields])
        #expect(CSV.parse("a,b\nc,d") == [["a", "b"], ["c", "d"]])
        #expect(CSV.parse("\"\"\r\n") == [[""]])
    }

    @Test("Formulas are made inert; numbers and dates are not touched")
    func inert() {
        #expect(CSV.inert("=SUM(A1)") == "'=SUM(A1)")
        #expect(CSV.inert("@cmd") == "'@cmd")
        #expect(CSV.inert("-3") == "-3")
        #expect(CSV.inert("+44") == "+44")
        #expect(CSV.inert("2026-11-14") == "2026-11-14")
    }

    @Test("The CSV export has the contract's header and one 0/1 column per multi-select choice")
    func header() {
        let export = ResponseExport(forms: [Fixture.form])
        #expect(export.columnNames == [
            "id", "campaign", "address", "form", "form_version", "recorded_at", "device",
            "feel_safe", "worries", "worries/drugs", "worries/asb", "worries/arson", "worries/cuckooing",
            "years", "comments", "name", "phone", "concern",
            "follow_up", "follow_up/police", "follow_up/council", "follow_up/fire", "follow_up/none",
            "seen_on", "double_years",
        ])
    }

    @Test("The CSV export parsed back gives every response's answers")
    func csvRoundTrip() throws {
        let responses = Fixture.exported()
        let export = ResponseExport(forms: [Fixture.form])
        let records = CSV.parse(export.csv(responses))
        let header = try #require(records.first)
        #expect(records.count == responses.count + 1)
        for (record, response) in zip(records.dropFirst(), responses) {
            #expect(record.count == header.count)
            let row = Dictionary(uniqueKeysWithValues: zip(header, record))
            #expect(row["id"] == response.id.uuidString.lowercased())
            #expect(row["address"] == response.address)
            #expect(row["form_version"] == "1")
            #expect(row["recorded_at"] == response.recordedAt)
            for question in Fixture.form.questions where question.type.takesInput || question.type == .calculate {
                let expected = response.answers[question.name].map { CSV.inert($0.description) } ?? ""
                #expect(row[question.name] == expected, "\(question.name) of \(response.address)")
            }
            let worries: [String] = {
                if case .list(let list) = response.answers["worries"] { return list }
                return []
            }()
            for choice in ["drugs", "asb", "arson", "cuckooing"] {
                let expected = response.answers["worries"] == nil ? "" : (worries.contains(choice) ? "1" : "0")
                #expect(row["worries/\(choice)"] == expected)
            }
        }
        let first = Dictionary(uniqueKeysWithValues: zip(header, records[1]))
        #expect(first["comments"] == "Lovely, \"quiet\" street")
        #expect(first["worries"] == "drugs asb")
        #expect(first["phone"] == "7700900123")
        let third = Dictionary(uniqueKeysWithValues: zip(header, records[3]))
        #expect(third["comments"] == "'=HYPERLINK(\"x\")")
        #expect(third["follow_up/police"] == "1")
        #expect(third["follow_up/fire"] == "0")
        let fourth = Dictionary(uniqueKeysWithValues: zip(header, records[4]))
        #expect(fourth["comments"] == "Line one\nline two")
    }

    @Test("The JSON export decodes back to the same responses")
    func jsonRoundTrip() throws {
        let responses = Fixture.exported()
        let text = try ResponseExport.json(responses)
        let decoded = try JSONDecoder().decode([ExportedResponse].self, from: Data(text.utf8))
        #expect(decoded == responses)
        #expect(text.contains("\"form_version\":\"1\""))
        #expect(text.contains("\"worries\":[\"drugs\",\"asb\"]"))
        #expect(try ResponseExport.json([]) == "[]\n")
    }

    @Test("Columns cover every form version: a question dropped later keeps its column")
    func versions() {
        var old = Fixture.form
        old.version = "0"
        old.questions.append(Question(name: "dog", type: .selectMultiple(list: "pets"), label: "Pets?", choices: [Choice(name: "dog", label: "Dog")]))
        let names = ResponseExport(forms: [old, Fixture.form]).columnNames
        #expect(names.suffix(2) == ["dog", "dog/dog"])
    }
}
