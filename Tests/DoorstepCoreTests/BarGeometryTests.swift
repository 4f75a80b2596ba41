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
