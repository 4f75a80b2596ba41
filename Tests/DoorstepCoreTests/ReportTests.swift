import DoorstepCore
@testable import DoorstepReport
import DoorstepTestSupport
import Foundation
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

/// A parsed element of the report, enough to find figures in it.
final class ReportNode {
    let name: String
    let attributes: [String: String]
    var children: [ReportNode] = []
    var text = ""

    init(name: String, attributes: [String: String]) {
        self.name = name
        self.attributes = attributes
    }

    /// All text inside, children included.
    var allText: String {
        text + children.map(\.allText).joined()
    }

    /// Every element below (and including) this one, in document order.
    var descendants: [ReportNode] {
        [self] + children.flatMap(\.descendants)
    }

    func all(_ name: String) -> [ReportNode] {
        descendants.filter { $0.name == name }
    }

    var classes: Set<String> {
        Set((attributes["class"] ?? "").split(separator: " ").map(String.init))
    }
}

/// Parses the report as XML: it is written as polyglot HTML, so an XML parser must accept it.
final class ReportParser: NSObject, XMLParserDelegate {
    private var stack: [ReportNode] = [ReportNode(name: "#document", attributes: [:])]
    private(set) var error: (any Error)?

    static func parse(_ html: String) throws -> ReportNode {
        let delegate = ReportParser()
        let parser = XMLParser(data: Data(html.utf8))
        parser.delegate = delegate
        guard parser.parse() else {
            throw delegate.error ?? parser.parserError ?? CocoaError(.coderReadCorrupt)
        }
        return delegate.stack[0]
    }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
        qualifiedName: String?, attributes: [String: String] = [:]
    ) {
        let node = ReportNode(name: elementName, attributes: attributes)
        stack.last?.children.append(node)
        stack.append(node)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        stack.removeLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard let node = stack.last else { return }
        if node.children.isEmpty {
            node.text += string
        } else {
            let text = ReportNode(name: "#text", attributes: [:])
            text.text = string
            node.children.append(text)
        }
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
        error = parseError
    }
}

@Suite("Report: the organiser's HTML report")
struct ReportTests {
    typealias Fixture = AggregationFixture

    /// The headline cards as label → value text.
    static func cards(_ document: ReportNode) -> [String: String] {
        var cards: [String: String] = [:]
        for card in document.all("div") where card.classes.contains("figure") {
            guard let label = card.all("dt").first?.allText, let value = card.all("dd").first else { continue }
            cards[label] = value.text.isEmpty ? value.children.first?.allText : value.text
        }
        return cards
    }

    /// The text alternative of the chart whose title is `title`.
    static func chartDescription(_ document: ReportNode, title: String) -> String? {
        for svg in document.all("svg") where svg.all("title").first?.allText == title {
            return svg.all("desc").first?.allText
        }
        return nil
    }

    /// The rows of the table whose caption is `caption`, each as cell texts.
    static func table(_ document: ReportNode, caption: String) -> [[String]]? {
        for table in document.all("table") where table.all("caption").first?.allText == caption {
            return table.all("tr").map { row in row.children.filter { $0.name == "th" || $0.name == "td" }.map(\.allText) }
        }
        return nil
    }

    /// What a report must be wherever it goes: one parseable file that fetches nothing.
    static func expectSelfContained(_ html: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(html.hasPrefix("<!DOCTYPE html>"), sourceLocation: sourceLocation)
        let document = try ReportParser.parse(html)
        #expect(document.all("html").first?.attributes["lang"] == "en-GB", sourceLocation: sourceLocation)
        #expect(document.all("meta").first?.attributes["charset"] == "utf-8", sourceLocation: sourceLocation)
        let lower = html.lowercased()
        for forbidden in ["<script", "src=", "href=", "http:", "https:", "url(", "@import", "<img", "<link", "<iframe", "<object"] {
            #expect(!lower.contains(forbidden), "\(forbidden)", sourceLocation: sourceLocation)
        }
        for svg in document.all("svg") {
            #expect(svg.attributes["role"] == "img", sourceLocation: sourceLocation)
            let ids = (svg.attributes["aria-labelledby"] ?? "").split(separator: " ").map(String.init)
            #expect(ids.count == 2, sourceLocation: sourceLocation)
            #expect(svg.children.first?.name == "title" && svg.children.first?.attributes["id"] == ids.first, sourceLocation: sourceLocation)
            #expect(svg.children.dropFirst().first?.name == "desc", sourceLocation: sourceLocation)
            #expect(!(svg.all("desc").first?.allText.isEmpty ?? true), sourceLocation: sourceLocation)
        }
        let ids = document.descendants.compactMap { $0.attributes["id"] }
        #expect(ids.count == Set(ids).count, "ids are unique", sourceLocation: sourceLocation)
    }

    // MARK: Figures

    @Test("The report's figures are the aggregates'")
    func figuresMatchAggregates() throws {
        let aggregates = Fixture.aggregates()
        let html = CampaignReport(aggregates: aggregates, generatedAt: "14 November 2026 18:00").html()
        try Self.expectSelfContained(html)
        let document = try ReportParser.parse(html)

        #expect(document.all("h1").first?.allText == "West End day of action")
        let cards = Self.cards(document)
        #expect(cards["Doors on the walk list"] == "13")
        #expect(cards["Doors knocked"] == "13")
        #expect(cards["Doors answered"] == "12")
        #expect(cards["Surveyed"] == "10")
        #expect(cards["Refused"] == "1")
        #expect(cards["Revisits requested"] == "1")
        #expect(cards["No answer"] == "1")
        #expect(cards["Responses recorded"] == "10")
        #expect(cards["Safeguarding concerns flagged"] == "2")
        #expect(cards["Follow-ups requested"] == "4")

        #expect(Self.chartDescription(document, title: "How safe do you feel after dark?")
            == "Bar chart. Very safe: 3 (33.3%); Fairly safe: 4 (44.4%); Fairly unsafe: 1 (11.1%); Very unsafe: 1 (11.1%).")
        #expect(Self.chartDescription(document, title: "What worries you here?")
            == "Bar chart. Drug dealing: 7 (77.8%); Anti-social behaviour: 3 (33.3%); Bin fires: 1 (11.1%); Cuckooing: 1 (11.1%).")
        #expect(Self.chartDescription(document, title: "Follow-ups requested, by agency")
            == "Bar chart. Police: 3 (30%); Council: 1 (10%); Fire and rescue: 1 (10%).")
        #expect(Self.chartDescription(document, title: "Years at this address")
            == "Distribution of the numbers given. 1: 1 (11.1%); 2: 3 (33.3%); 3: 1 (11.1%); 4: 1 (11.1%); 5: 1 (11.1%); 7: 1 (11.1%); 10: 1 (11.1%).")
        #expect(Self.chartDescription(document, title: "When did you last see trouble?")
            == "Answers by month. Oct 2026: 2 (66.7%); Nov 2026: 1 (33.3%).")

        let years = try #require(document.all("section").first { $0.attributes["id"] == "q-years" })
        let summary = years.all("div").map { ($0.all("dt").first?.allText ?? "") + "=" + ($0.all("dd").first?.allText ?? "") }
        #expect(summary == ["Answers=9", "Average=4", "Median=3", "Smallest=1", "Largest=10"])

        let streets = try #require(Self.table(document, caption: "Doors and responses by street"))
        #expect(streets.dropFirst().map { $0 } == [
            ["Acre Street", "8", "8", "8", "6", "1", "6", "1", "3"],
            ["Birch Road", "5", "5", "4", "4", "0", "4", "1", "1"],
        ])
        let feelByStreet = try #require(Self.table(document, caption: "How safe do you feel after dark? — by street"))
        #expect(feelByStreet[0] == ["Answer", "All", "Acre Street", "Birch Road"])
        #expect(feelByStreet[1] == ["Answered", "9", "6", "3"])
        #expect(feelByStreet[2] == ["Very safe", "3 (33.3%)", "2 (33.3%)", "1 (33.3%)"])
        let areas = try #require(Self.table(document, caption: "Doors and responses by area"))
        #expect(areas.count == 2)
        #expect(html.contains("Figures taken 14 November 2026 18:00."))
    }

    @Test("Nothing a resident typed and nothing sensitive reaches the report: free text only as counts, no text a few typed")
    func noTextOrPersonalData() {
        let html = CampaignReport(aggregates: Fixture.aggregates()).html()
        for secret in ["Ann Smith", "7700900123", "Lovely", "HYPERLINK", "Line one", "Phone"] {
            #expect(!html.contains(secret), "\(secret)")
        }
        #expect(html.contains("<h3>Anything else?</h3>"), "the question is counted")
        #expect(html.contains("other answers, each given by fewer than 5 residents."))
    }

    // MARK: Suppression

    @Test("A viewer's report hides small counts and says why")
    func viewerSuppression() throws {
        let html = CampaignReport(aggregates: Fixture.aggregates().suppressed()).html()
        try Self.expectSelfContained(html)
        let document = try ReportParser.parse(html)
        let notice = try #require(document.all("aside").first { $0.classes.contains("notice") })
        #expect(notice.allText.contains("any count from 1 to 4 reads hidden"))

        let cards = Self.cards(document)
        #expect(cards["Safeguarding concerns flagged"] == "hidden")
        #expect(cards["Follow-ups requested"] == "hidden")
        #expect(cards["Refused"] == "hidden")
        #expect(cards["Responses recorded"] == "10")
        #expect(Self.chartDescription(document, title: "How safe do you feel after dark?")
            == "Bar chart. Very safe: hidden; Fairly safe: hidden; Fairly unsafe: hidden; Very unsafe: hidden.")
        #expect(Self.chartDescription(document, title: "What worries you here?")
            == "Bar chart. Drug dealing: 7 (77.8%); Anti-social behaviour: hidden; Bin fires: hidden; Cuckooing: hidden.")
        let years = try #require(document.all("section").first { $0.attributes["id"] == "q-years" })
        #expect(years.allText.contains("Averagehidden"))

        // No small count is shown anywhere: not in a card, a chart's text alternative or a table.
        var shown: [String] = []
        for node in document.descendants where ["dd", "td", "desc"].contains(node.name) {
            shown.append(node.allText)
        }
        let smallCount = try Regex(#"(^|[:;] )[1-4]( \(|$|;|\.)"#)
        for text in shown {
            #expect(text.firstMatch(of: smallCount) == nil, "\(text)")
        }
        // The street table shows no street at all: Birch Road's 4 would reveal Acre Street's 6.
        let streets = try #require(Self.table(document, caption: "Doors and responses by street"))
        #expect(streets[1] == ["Acre Street", "8", "8", "hidden", "hidden", "hidden", "hidden", "hidden", "hidden"])
    }

    // MARK: Readability at the edges

    @Test("No responses at all: a valid report that says so")
    func noResponses() throws {
        let aggregates = CampaignAggregates.compute(
            campaign: "c", name: "Quiet day", date: nil, forms: [Fixture.form], tallies: [:], funnels: [:]
        )
        let html = CampaignReport(aggregates: aggregates).html()
        try Self.expectSelfContained(html)
        #expect(html.contains("No responses have been recorded for this campaign yet."))
        #expect(html.contains("No answers yet."))
        let document = try ReportParser.parse(html)
        #expect(Self.cards(document)["Responses recorded"] == "0")
    }

    @Test("A form that asks no safeguarding or follow-up question shows no such figure")
    func notAsked() throws {
        let form = FormDefinition(id: "plain", version: "1", title: "Plain", questions: [
            Question(name: "n", type: .integer, label: "How many?"),
        ], choiceLists: [:])
        let aggregates = CampaignAggregates.compute(campaign: "p", name: "Plain", date: nil, forms: [form], tallies: [:], funnels: [:])
        #expect(aggregates.headline.safeguardingQuestions.isEmpty)
        #expect(Fixture.aggregates().headline.safeguardingQuestions == ["concern"])
        #expect(Fixture.aggregates().headline.followUpQuestions == ["follow_up"])
        let cards = Self.cards(try ReportParser.parse(CampaignReport(aggregates: aggregates).html()))
        #expect(cards["Safeguarding concerns flagged"] == nil)
        #expect(cards["Follow-ups requested"] == nil)
        #expect(cards["Responses recorded"] == "0")
    }

    @Test("One response: bars of 100% and a summary of one number")
    func oneResponse() throws {
        let rows = [Fixture.rows[0]]
        let aggregates = CampaignAggregates.compute(
            campaign: "c", name: "One door", date: "2026-11-14", forms: [Fixture.form],
            tallies: Fixture.tallies(rows: rows), funnels: [:]
        )
        let html = CampaignReport(aggregates: aggregates).html()
        try Self.expectSelfContained(html)
        let document = try ReportParser.parse(html)
        #expect(Self.chartDescription(document, title: "How safe do you feel after dark?")
            == "Bar chart. Very safe: 1 (100%); Fairly safe: 0 (0%); Fairly unsafe: 0 (0%); Very unsafe: 0 (0%).")
        #expect(document.all("h3").contains { $0.allText == "Years at this address" })
        #expect(html.contains("1 of 1 response answered"))
    }

    @Test("Thirty choices with long labels: every row drawn, labels wrapped on up to five lines, the chart grows")
    func thirtyLongChoices() throws {
        let long = "A considerably longer description of a problem that residents might mention at the door, with detail"
        let veryLong = long + ", and then the same again: " + long
        let choices = (1...30).map { Choice(name: "c\($0)", label: LocalizedText($0 % 3 == 0 ? "\(veryLong) \($0)" : "Choice \($0)")) }
        let form = FormDefinition(
            id: "wide", version: "1", title: "Wide", questions: [
                Question(name: "many", type: .selectMultiple(list: "many"), label: LocalizedText(long + "?"), choices: choices),
            ], choiceLists: [:]
        )
        var tallies: [TallyKey: Int] = [:]
        for index in 0..<40 {
            let answers: Answers = ["many": .list(["c\(index % 30 + 1)", "c\((index * 7) % 30 + 1)"])]
            for key in Tally.contributions(of: answers, form: form, street: nil, area: nil) { tallies[key, default: 0] += 1 }
        }
        let aggregates = CampaignAggregates.compute(campaign: "w", name: "Wide", date: nil, forms: [form], tallies: tallies, funnels: [:])
        let html = CampaignReport(aggregates: aggregates).html()
        try Self.expectSelfContained(html)
        let document = try ReportParser.parse(html)
        let svg = try #require(document.all("svg").first { $0.all("title").first?.allText == long + "?" })
        let rows = svg.children.filter { $0.name == "g" }
        #expect(rows.count == 30)
        let labelLines = rows.map { $0.all("tspan").count }
        #expect(labelLines.max() == 5)
        #expect(rows.allSatisfy { row in row.all("tspan").allSatisfy { $0.allText.count <= 33 } })
        #expect(rows[2].all("title").first?.allText == "\(veryLong) 3", "a shortened label keeps its full text")
        #expect(rows[0].all("title").isEmpty)
        let height = Double(svg.attributes["height"] ?? "") ?? 0
        #expect(height > 30 * 26)
    }

    @Test("The hard cases in one report, written where the screenshot script looks")
    func edgeCaseReport() throws {
        let long = "A considerably longer description of a problem that residents might mention at the door"
        let choices = (1...30).map { Choice(name: "c\($0)", label: LocalizedText($0 % 4 == 0 ? "\(long) (\($0))" : "Problem number \($0)")) }
        let form = FormDefinition(
            id: "edge", version: "1", title: "Hard cases", questions: [
                Question(name: "many", type: .selectMultiple(list: "many"), label: LocalizedText("Thirty choices, some with long labels: " + long + "?"), choices: choices),
                Question(name: "once", type: .selectOne(list: "yn"), label: "A question one resident answered",
                         choices: [Choice(name: "yes", label: "Yes"), Choice(name: "no", label: "No")]),
                Question(name: "never", type: .integer, label: "A question nobody has answered yet"),
                Question(name: "spread", type: .decimal, label: "Many different numbers (grouped into ranges)"),
            ], choiceLists: [:]
        )
        var tallies: [TallyKey: Int] = [:]
        for index in 0..<60 {
            var answers: Answers = [
                "many": .list(["c\(index % 30 + 1)", "c\((index * 7) % 30 + 1)"]),
                "spread": .decimal(Double(index * index % 97) / 4),
            ]
            if index == 0 { answers["once"] = .text("yes") }
            for key in Tally.contributions(of: answers, form: form, street: nil, area: nil) { tallies[key, default: 0] += 1 }
        }
        let aggregates = CampaignAggregates.compute(
            campaign: "edge", name: "Hard cases: long labels, one answer, no answers, thirty choices", date: "2026-11-14",
            forms: [form], tallies: tallies, funnels: [:]
        )
        let html = CampaignReport(aggregates: aggregates).html()
        try Self.expectSelfContained(html)
        let folder = ProcessInfo.processInfo.environment["DOORSTEP_REPORT_OUTPUT"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("doorstep-reports")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try html.write(to: folder.appendingPathComponent("edge-cases.html"), atomically: true, encoding: .utf8)
    }

    @Test("Many different numbers are grouped into ranges")
    func binnedNumbers() throws {
        let buckets = (1...60).map { BucketCount(name: String($0), label: String($0), count: 1, percent: nil) }
        let columns = Binning.columns([buckets], bases: [60], numeric: true)
        #expect(columns.count == 10)
        #expect(columns.first?.label == "1\u{2013}6")
        #expect(columns.map { $0.figures[0].count ?? -1 }.reduce(0, +) == 60)
        let hidden = buckets.enumerated().map { index, bucket in
            BucketCount(name: bucket.name, label: bucket.label, count: index == 0 ? nil : 1, percent: nil)
        }
        #expect(Binning.columns([hidden], bases: [60], numeric: true).first?.figures[0].count == nil)
    }

    // MARK: Comparison

    @Test("Two campaigns side by side, in date order, with the change in each figure")
    func comparison() throws {
        let before = CampaignAggregates.compute(
            campaign: "west-2026-10", name: "West End, October", date: "2026-10-10", forms: [Fixture.form],
            tallies: Fixture.tallies(rows: Array(Fixture.rows.prefix(6))), funnels: [:]
        )
        let after = Fixture.aggregates()
        let html = ComparisonReport(after, before).html()
        try Self.expectSelfContained(html)
        let document = try ReportParser.parse(html)
        #expect(document.all("h1").first?.allText == "West End day of action compared with West End, October")
        let headline = try #require(Self.table(document, caption: "Headline figures, and the change from the first day to the second"))
        #expect(headline[0] == ["Figure", "10 October 2026", "14 November 2026", "Change"])
        #expect(headline.contains(["Responses recorded", "6", "10", "+4"]))
        #expect(headline.contains(["Safeguarding concerns flagged", "1", "2", "+1"]))
        #expect(headline.contains(["Doors on the walk list", "0", "13", "+13"]))
        #expect(headline.contains(["Follow-up: Police", "2", "3", "+1"]))

        let feel = try #require(Self.table(document, caption: "How safe do you feel after dark? — percentage of those who answered"))
        // October: 2, 3, 0, 1 of 6; November: 3, 4, 1, 1 of 9.
        #expect(feel[1] == ["Very safe", "2 (33.3%)", "3 (33.3%)", "0 pts"])
        #expect(feel[2] == ["Fairly safe", "3 (50%)", "4 (44.4%)", "\u{2212}5.6 pts"])
        #expect(feel[3] == ["Fairly unsafe", "0 (0%)", "1 (11.1%)", "+11.1 pts"])
        let years = try #require(Self.table(document, caption: "Years at this address — summary"))
        // October: 1, 2, 2, 10, 5 → mean 4, median 2; November: mean 4, median 3.
        #expect(years.contains(["Average", "4", "4", "0"]))
        #expect(years.contains(["Median", "2", "3", "+1"]))
        #expect(Self.chartDescription(document, title: "How safe do you feel after dark?: 10 October 2026 and 14 November 2026")?
            .hasPrefix("Bar chart. Very safe: 10 October 2026 2 (33.3%), 14 November 2026 3 (33.3%);") == true)
    }

    @Test("A comparison for a viewer hides changes of hidden figures")
    func comparisonSuppressed() throws {
        let before = CampaignAggregates.compute(
            campaign: "west-2026-10", name: "West End, October", date: "2026-10-10", forms: [Fixture.form],
            tallies: Fixture.tallies(rows: Array(Fixture.rows.prefix(6))), funnels: [:]
        ).suppressed()
        let html = ComparisonReport(before, Fixture.aggregates().suppressed()).html()
        try Self.expectSelfContained(html)
        let document = try ReportParser.parse(html)
        let headline = try #require(Self.table(document, caption: "Headline figures, and the change from the first day to the second"))
        #expect(headline.contains(["Responses recorded", "6", "10", "+4"]))
        #expect(headline.contains(["Safeguarding concerns flagged", "hidden", "hidden", "hidden"]))
        #expect(html.contains("Small numbers are hidden in this copy."))
    }

    // MARK: The sample forms

    @Test("A report for each sample form, written where the screenshot script looks",
          arguments: ["community-safety.yaml", "safe-and-well.yaml", "women-girls-safety.yaml"])
    func sampleFormReports(file: String) throws {
        let form = try ReportSampleData.form(file)
        let name = String(file.dropLast(".yaml".count))
        // One walk list in degrees, one on the National Grid, one without locations (no map, no error).
        let located: ReportSampleData.Located = ["community-safety": .degrees, "safe-and-well": .grid][name] ?? .no
        let day = ReportSampleData(form: form, seed: 2026_11_14, located: located)
        #expect(day.responses.count > 40)
        let aggregates = day.aggregates(campaign: "\(name)-2026-11-14", name: "West End and Northfield day of action", date: "2026-11-14")
        #expect((aggregates.responses ?? 0) + (aggregates.declined ?? 0) == day.responses.count)
        #expect(aggregates.declined ?? 0 > 0, "some residents decline")
        #expect(aggregates.funnel.declined == aggregates.declined)
        let earlier = ReportSampleData(form: form, doorCount: 100, seed: 2026_10_10, mood: 0.6)
            .aggregates(campaign: "\(name)-2026-10-10", name: "West End and Northfield day of action", date: "2026-10-10")
        let reports = [
            ("\(name).html", CampaignReport(aggregates: aggregates, generatedAt: "14 November 2026 18:00").html()),
            ("\(name)-viewer.html", CampaignReport(aggregates: aggregates.suppressed(), generatedAt: "14 November 2026 18:00").html()),
            ("\(name)-comparison.html", ComparisonReport(earlier, aggregates, generatedAt: "14 November 2026 18:00").html()),
        ]
        let folder = ProcessInfo.processInfo.environment["DOORSTEP_REPORT_OUTPUT"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("doorstep-reports")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for (fileName, html) in reports {
            try Self.expectSelfContained(html)
            try html.write(to: folder.appendingPathComponent(fileName), atomically: true, encoding: .utf8)
        }
        #expect(reports[0].1.contains("Where the doors are") == (located != .no))
        #expect(!reports[2].1.contains("Where the doors are"), "a comparison has no map")
    }

    /// Version 2 of the community safety form: "More than 10 years" split in two, and a question on lighting.
    static func upgradedCommunitySafety() throws -> FormDefinition {
        var form = try ReportSampleData.form("community-safety.yaml")
        form.version = "2"
        let years = try #require(form.questions.firstIndex { $0.name == "years_at_address" })
        form.questions[years].choices.removeLast()
        form.questions[years].choices += [
            Choice(name: "11_to_20", label: "11 to 20 years"), Choice(name: "over_20", label: "More than 20 years"),
        ]
        var lighting = form.questions[try #require(form.questions.firstIndex { $0.name == "safe_after_dark" })]
        lighting.name = "lighting"
        lighting.label = "Is the street lighting good enough where you live?"
        lighting.type = .selectOne(list: "yes_no")
        lighting.choices = [Choice(name: "yes", label: "Yes"), Choice(name: "no", label: "No")]
        lighting.required = false
        form.questions.insert(lighting, at: years + 1)
        return form
    }

    @Test("A day whose form was upgraded at midday, written where the screenshot script looks")
    func upgradedFormReport() throws {
        let older = try ReportSampleData.form("community-safety.yaml")
        let newer = try Self.upgradedCommunitySafety()
        let day = ReportSampleData(form: older, seed: 2026_11_14, located: .degrees, upgrade: (newer, 80))
        let figures = day.aggregates(campaign: "community-safety-upgrade", name: "West End and Northfield day of action", date: "2026-11-14")
        #expect(figures.versions.map(\.name) == ["1", "2"])
        #expect(figures.versions.compactMap(\.responses).reduce(0, +) == figures.responses)
        #expect(figures.questions.first { $0.name == "years_at_address" }?.perVersion == true)
        #expect(figures.questions.first { $0.name == "lighting" }?.askedIn == ["2"])
        let html = CampaignReport(aggregates: figures, generatedAt: "14 November 2026 18:00").html()
        try Self.expectSelfContained(html)
        #expect(html.contains("versions 1 ("))
        #expect(html.contains("<h4>Version 2 ("))
        let folder = ProcessInfo.processInfo.environment["DOORSTEP_REPORT_OUTPUT"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("doorstep-reports")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try html.write(to: folder.appendingPathComponent("community-safety-upgrade.html"), atomically: true, encoding: .utf8)
    }
}
