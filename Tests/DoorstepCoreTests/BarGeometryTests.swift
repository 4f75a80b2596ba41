import DoorstepCore
@testable import DoorstepReport
import Foundation
import Testing

/// The bars a board reads: every share on one 0–100% axis, in every chart of a report and in a
/// comparison of two days, measured in the SVG against the percentages written beside them.
@Suite("Report bars: one honest axis")
struct BarGeometryTests {
    typealias Fixture = ReportTests.Fixture

    /// Each share bar of `html`: its drawn width, its `data-percent`, and the percentage written after it.
    static func shareBars(_ html: String) throws -> [(width: Double, percent: Double, written: Double?)] {
        let document = try ReportParser.parse(html)
        var bars: [(Double, Double, Double?)] = []
        for svg in document.all("svg") {
            let nodes = svg.descendants
            for (index, node) in nodes.enumerated() where node.name == "rect" && node.classes.contains("bar") {
                guard let percent = node.attributes["data-percent"].flatMap(Double.init),
                      let width = node.attributes["width"].flatMap(Double.init)
                else { continue }
                // The figure written after the bar: "13 (39.4%)".
                let label = nodes[(index + 1)...].first { $0.name == "text" }?.allText ?? ""
                let written = label.split(separator: "(").last.flatMap { Double($0.replacingOccurrences(of: "%)", with: "")) }
                bars.append((width, percent, written))
            }
        }
        return bars
    }

    static func expectOnTheAxis(_ bars: [(width: Double, percent: Double, written: Double?)], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!bars.isEmpty, sourceLocation: sourceLocation)
        for bar in bars {
            let expected = bar.percent == 0 ? 0 : max(bar.percent / 100 * BarChart.barRoom, 2)
            #expect(abs(bar.width - expected) <= 0.1, "\(bar)", sourceLocation: sourceLocation)
            if let written = bar.written {
                #expect(written == bar.percent, "\(bar)", sourceLocation: sourceLocation)
            }
        }
    }

    @Test("In a campaign's report every share is drawn at its percentage of the same axis, whatever the chart's largest bar")
    func campaignBars() throws {
        let html = CampaignReport(aggregates: Fixture.aggregates()).html()
        let bars = try Self.shareBars(html)
        Self.expectOnTheAxis(bars)
        // A 39.4% bar is not drawn as long as a 100% one in another chart.
        let full = bars.filter { $0.percent == 100 }.map(\.width)
        let partial = bars.filter { $0.percent > 0 && $0.percent < 60 }.map(\.width)
        #expect(!partial.isEmpty)
        if let longest = full.first { #expect(partial.allSatisfy { $0 < longest * 0.6 }) }
        // Every share chart shows the axis.
        #expect(html.components(separatedBy: ">100%</text>").count - 1 >= 3)
    }

    @Test("A comparison draws each day by percentage of its own base, printing the bases")
    func comparisonBars() throws {
        let before = CampaignAggregates.compute(
            campaign: "west-2026-10", name: "West End, October", date: "2026-10-10", forms: [Fixture.form],
            tallies: Fixture.tallies(rows: Array(Fixture.rows.prefix(6))), funnels: [:]
        )
        let html = ComparisonReport(Fixture.aggregates(), before).html()
        Self.expectOnTheAxis(try Self.shareBars(html))
        // Every chart of the two days names each day's base beside it in the legend.
        let document = try ReportParser.parse(html)
        let charts = document.all("svg").filter { svg in svg.all("rect").contains { $0.classes.contains("bar") } }
        #expect(charts.count >= 3)
        for chart in charts {
            #expect(chart.allText.components(separatedBy: "(n = ").count - 1 == 2, "\(chart.allText.prefix(120))")
        }
        #expect(html.contains("10 October 2026 (n = 6)"))
    }

    @Test("A base below the campaign's threshold is drawn hatched, with a note")
    func smallBasesAreHatched() throws {
        let rows = [Fixture.rows[0], Fixture.rows[1]]
        let aggregates = CampaignAggregates.compute(
            campaign: "c", name: "Two doors", date: "2026-11-14", forms: [Fixture.form],
            tallies: Fixture.tallies(rows: rows), funnels: [:]
        )
        let html = CampaignReport(aggregates: aggregates).html()
        try ReportTests.expectSelfContained(html)
        #expect(html.contains("Hatched: only 2 answered, fewer than \(aggregates.suppression.threshold); read the shares with care."))
        let document = try ReportParser.parse(html)
        let hatched = document.all("rect").filter { $0.classes.contains("bar") && $0.attributes["fill"] == "white" }
        #expect(!hatched.isEmpty)
        Self.expectOnTheAxis(try Self.shareBars(html))

        // Ten answers are not a small base: the same question is drawn solid.
        let solid = CampaignReport(aggregates: Fixture.aggregates()).html()
        #expect(!solid.contains("Hatched:"))
    }

    @Test("A chart of plain counts is drawn against its largest count and says so")
    func countCharts() {
        let chart = BarChart(title: "Knocks", rows: [
            BarChart.Row(label: "a", figures: [Figure(count: 4)]), BarChart.Row(label: "b", figures: [Figure(count: 2)]),
        ])
        #expect(!chart.drawsShares)
        let svg = chart.svg(id: "c")
        #expect(svg.contains("Counts; the longest bar is the largest count."))
        #expect(svg.contains(#"width="316""#) && svg.contains(#"width="158""#))
    }
}

/// The first thing a board reads: what the day found, in sentences written from the figures.
@Suite("Report key findings")
struct KeyFindingsTests {
    typealias Fixture = ReportTests.Fixture

    @Test("The findings give doors reached, safeguarding, follow-ups and the largest share of the first questions, from the figures")
    func campaignFindings() throws {
        let figures = Fixture.aggregates()
        let sentences = KeyFindings.sentences(figures)
        let funnel = figures.funnel
        #expect(sentences.first?.hasPrefix("\(funnel.knocked ?? -1) of \(funnel.addresses ?? -1) doors on the walk list were knocked") == true)
        #expect(sentences.contains { $0.contains("safeguarding concern") })
        // Each question sentence names the choice with the largest count and its share.
        for question in figures.questions.filter({ $0.kind == "select_one" }).prefix(KeyFindings.questionSentences) {
            guard let sentence = KeyFindings.largestShare(question) else { continue }
            let top = try #require(question.choices.max { ($0.count ?? 0) < ($1.count ?? 0) })
            #expect(sentence.contains("\u{201C}\(top.label)\u{201D}"))
            #expect(sentences.contains(sentence))
        }
        let document = try ReportParser.parse(CampaignReport(aggregates: figures).html())
        let section = try #require(document.all("section").first { $0.classes.contains("findings") })
        #expect(section.all("li").count == sentences.count)
    }

    @Test("A viewer's copy leaves out a finding whose figure is hidden, and a comparison names its largest change")
    func hiddenAndCompared() throws {
        let hidden = KeyFindings.sentences(Fixture.aggregates().suppressed())
        #expect(!hidden.contains { $0.contains("hidden") })
        let before = CampaignAggregates.compute(
            campaign: "west-2026-10", name: "West End, October", date: "2026-10-10", forms: [Fixture.form],
            tallies: Fixture.tallies(rows: Array(Fixture.rows.prefix(6))), funnels: [:]
        )
        let report = ComparisonReport(Fixture.aggregates(), before)
        let change = try #require(KeyFindings.largestChange(earlier: before, later: Fixture.aggregates(), names: report.seriesNames))
        #expect(change.hasPrefix("The largest change: "))
        #expect(change.hasSuffix(" points."))
        #expect(report.html().contains(HTML.escape(change)))
    }
}

@Suite("Report appendix")
struct ReportAppendixTests {
    typealias Fixture = ReportTests.Fixture

    @Test("A street with doors but no response is named once, not drawn as a column of zeros in every question's table")
    func emptyStreetsAreNamedOnce() throws {
        var funnels = Fixture.funnels()
        funnels["street:Cedar Close"] = VisitFunnel(
            addresses: 4, knocked: 2, answered: 0, surveyed: 0, refused: 0, revisits: 0, noAnswer: 2, visits: 2
        )
        let figures = CampaignAggregates.compute(
            campaign: "west-2026-11", name: "West End day of action", date: "2026-11-14", forms: [Fixture.form],
            tallies: Fixture.tallies(), funnels: funnels, streetAreas: CampaignAggregates.streetAreas(of: Fixture.walkList)
        )
        let html = CampaignReport(aggregates: figures).html()
        let document = try ReportParser.parse(html)
        #expect(html.contains("No responses yet from 1 street (Cedar Close): left out of the tables below."))
        let overview = try #require(ReportTests.table(document, caption: "Doors and responses by street"))
        #expect(overview.contains { $0.first == "Cedar Close" })
        let byStreet = try #require(ReportTests.table(document, caption: "How safe do you feel after dark? — by street"))
        #expect(!byStreet[0].contains("Cedar Close"))
        #expect(document.all("h2").contains { $0.allText == "Appendix: by street" })
    }
}

@Suite("Report: who did the work")
struct WorkSectionTests {
    typealias Fixture = ReportTests.Fixture

    @Test("Organisers' figures show knocks per officer and per hour; a viewer's figures drop them")
    func workIsForOrganisers() throws {
        var figures = Fixture.aggregates()
        figures.work = WorkSummary(
            officers: [.init(name: "PC Alice Moore", knocks: 9, surveyed: 6), .init(name: "Ben Hale (housing)", knocks: 6, surveyed: 4)],
            hours: [.init(hour: "10:00", knocks: 8), .init(hour: "11:00", knocks: 7)], timeZone: "Europe/London"
        )
        let html = CampaignReport(aggregates: figures).html()
        try ReportTests.expectSelfContained(html)
        let document = try ReportParser.parse(html)
        let table = try #require(ReportTests.table(document, caption: "Knocks and surveys by officer"))
        #expect(table == [["Officer", "Knocks", "Surveyed"], ["PC Alice Moore", "9", "6"], ["Ben Hale (housing)", "6", "4"]])
        #expect(ReportTests.chartDescription(document, title: "Knocks by hour of the day") == "Bar chart. 10:00: 8; 11:00: 7.")

        let viewer = figures.suppressed()
        #expect(viewer.work == nil)
        #expect(!CampaignReport(aggregates: viewer).html().contains("Who did the work"))
        let decoded = try JSONDecoder().decode(CampaignAggregates.self, from: JSONEncoder().encode(figures))
        #expect(decoded == figures)
    }
}

@Suite("The live page")
struct LivePageTests {
    @Test("The live page is one self-contained page that reloads itself, concerns first, streets drawn as shares of their doors")
    func livePage() throws {
        let now = try #require(ISO8601DateFormatter().date(from: "2026-06-06T14:30:00Z"))
        let progress = CampaignProgress(
            campaign: "west", name: "West End day of action", generatedAt: "2026-06-06T14:30:00Z",
            laptops: [.init(device: "d1", officer: "PC Alice Moore", lastContact: "2026-06-06T14:18:00Z", knocks: 12, responses: 5)],
            streets: [.init(street: "Albion Street", doors: 13, knocked: 9, surveyed: 4)],
            total: .init(street: "", doors: 60, knocked: 9, surveyed: 4),
            hours: [.init(hour: "14:00", knocks: 9)],
            concerns: [.init(response: "25f271ec-0000-4000-8000-000000000001", address: "WE-006", officer: "Ben Hale", recordedAt: "2026-06-06T13:30:00Z")],
            doNotContact: ["WE-008"]
        )
        let html = LivePage(progress: progress, now: now).html()
        try ReportTests.expectSelfContained(html)
        #expect(html.contains(#"<meta http-equiv="refresh" content="30"/>"#))
        let document = try ReportParser.parse(html)
        let concerns = try #require(ReportTests.table(document, caption: "Safeguarding concerns, the newest first"))
        #expect(concerns.dropFirst().first == ["WE-006", "Ben Hale", "1 h 0 min ago", "25f271ec"])
        let laptops = try #require(ReportTests.table(document, caption: "Laptops by when the server last heard from them"))
        #expect(laptops.dropFirst().first == ["PC Alice Moore", "12 min ago", "12", "5"])
        let bars = try BarGeometryTests.shareBars(html)
        #expect(bars.map(\.percent) == [69.2])
        BarGeometryTests.expectOnTheAxis(bars)
        #expect(html.contains("WE-008"))
        // Written where the screenshot script looks, as the sample reports are.
        let folder = ProcessInfo.processInfo.environment["DOORSTEP_REPORT_OUTPUT"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("doorstep-reports")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try html.write(to: folder.appendingPathComponent("live.html"), atomically: true, encoding: .utf8)
    }
}

@Suite("Report: what residents wrote")
struct FreeTextReportTests {
    @Test("Free text is listed only when given, escaped, with how many answered and how many are shown")
    func listed() throws {
        let figures = ReportTests.Fixture.aggregates()
        #expect(!CampaignReport(aggregates: figures).html().contains("As typed"), "counts only, unless asked")
        let html = CampaignReport(aggregates: figures, freeText: [
            FreeTextAnswers(name: "places", label: "Where does it happen?", total: 3, answers: ["<b>the park</b>", "Canal Row"]),
        ]).html()
        try ReportTests.expectSelfContained(html)
        #expect(html.contains("<li>&lt;b&gt;the park&lt;/b&gt;</li><li>Canal Row</li>"))
        #expect(html.contains("3 answers; the newest 2 shown"))
        #expect(html.contains("check it before sending it on"))
    }
}
