import DoorstepCore
import Foundation

/// One figure drawn in a chart or written in a table: a count and its share, or hidden.
struct Figure: Sendable, Hashable {
    /// `nil` when suppressed.
    var count: Int?
    var percent: Double?

    init(count: Int?, percent: Double? = nil) {
        self.count = count
        self.percent = count == nil ? nil : percent
    }

    init(_ bucket: BucketCount?) {
        self.init(count: bucket?.count ?? (bucket == nil ? 0 : nil), percent: bucket?.percent)
    }

    /// The figure as text: `3 (33.3%)`, `3`, or `hidden`.
    var text: String {
        guard let count else { return "hidden" }
        guard let percent else { return HTML.count(count) }
        return "\(HTML.count(count)) (\(HTML.percent(percent)))"
    }

    /// The figure as an HTML table cell's content.
    var cell: String {
        guard let count else { return #"<span class="hidden-value">hidden</span>"# }
        guard let percent else { return HTML.count(count) }
        return "\(HTML.count(count)) <span class=\"pct\">(\(HTML.percent(percent)))</span>"
    }
}

/// The two series colours of charts: dark enough against white for a 3:1 contrast and more.
enum Palette {
    /// The campaign's own colour, or the later campaign's in a comparison.
    static let main = "#1d5a8a"
    /// The earlier campaign's colour in a comparison.
    static let earlier = "#6b3f98"
    static let text = "#1a1a1a"
    static let muted = "#4a4a4a"
    static let grid = "#c4ccd4"

    static func series(_ index: Int, of count: Int) -> String {
        count > 1 && index == 0 ? earlier : main
    }
}

/// A horizontal bar chart as inline SVG: one row per choice, a bar per series, the count and
/// percentage written after each bar, long labels wrapped on up to five lines.
struct BarChart {
    struct Row {
        var label: String
        /// One figure per series.
        var figures: [Figure]
    }

    /// What the chart shows, for its text alternative: "How safe do you feel after dark?".
    var title: String
    /// The series' names (the campaigns in a comparison); one series needs none.
    var series: [String] = []
    var rows: [Row]

    static let width = 680.0
    static let labelWidth = 236.0
    static let barStart = 246.0
    static let valueRoom = 118.0
    static let lineHeight = 16.0
    static let charactersPerLine = 32
    static let maxLines = 5

    /// The chart's SVG; `id` makes its title and description ids unique in the page.
    func svg(id: String) -> String {
        let seriesCount = max(1, rows.first?.figures.count ?? 1)
        let thickness = seriesCount == 1 ? 16.0 : 12.0
        let barsHeight = Double(seriesCount) * thickness + Double(seriesCount - 1) * 3
        let barRoom = Self.width - Self.barStart - Self.valueRoom
        let largest = rows.flatMap { $0.figures.compactMap(\.count) }.max() ?? 0
        var body = ""
        var y = 0.0
        if seriesCount > 1 {
            var x = Self.barStart
            for (index, name) in series.enumerated() {
                body += #"<rect x="\#(x)" y="3" width="12" height="12" fill="\#(Palette.series(index, of: seriesCount))"/>"#
                body += #"<text x="\#(x + 17)" y="13.5" font-size="12" fill="\#(Palette.text)">\#(HTML.escape(name))</text>"#
                x += 28 + Double(name.count) * 6.6
            }
            y = 24
        }
        for row in rows {
            let lines = Self.wrap(row.label, width: Self.charactersPerLine, maxLines: Self.maxLines)
            let height = max(Double(lines.count) * Self.lineHeight, barsHeight) + 10
            body += "<g>"
            if lines.joined(separator: " ") != row.label { body += "<title>\(HTML.escape(row.label))</title>" }
            let labelTop = y + 5 + (height - 10 - Double(lines.count) * Self.lineHeight) / 2
            body += #"<text x="0" y="\#(labelTop + 12)" font-size="13" fill="\#(Palette.text)">"#
            for (index, line) in lines.enumerated() {
                body += #"<tspan x="0" dy="\#(index == 0 ? 0 : Self.lineHeight)">\#(HTML.escape(line))</tspan>"#
            }
            body += "</text>"
            var barTop = y + 5 + (height - 10 - barsHeight) / 2
            for (index, figure) in row.figures.enumerated() {
                if let count = figure.count {
                    var length = largest > 0 ? Double(count) / Double(largest) * barRoom : 0
                    if count > 0 { length = max(length, 2) }
                    body += #"<rect x="\#(Self.barStart)" y="\#(barTop)" width="\#(Self.rounded(length))" height="\#(thickness)" fill="\#(Palette.series(index, of: seriesCount))"/>"#
                    body += #"<text x="\#(Self.rounded(Self.barStart + length + 6))" y="\#(barTop + thickness - 3.5)" font-size="12" fill="\#(Palette.text)">\#(HTML.escape(figure.text))</text>"#
                } else {
                    body += #"<text x="\#(Self.barStart)" y="\#(barTop + thickness - 3.5)" font-size="12" font-style="italic" fill="\#(Palette.muted)">hidden</text>"#
                }
                barTop += thickness + 3
            }
            body += "</g>"
            y += height
        }
        body += #"<line x1="\#(Self.barStart)" y1="\#(seriesCount > 1 ? 22 : 0)" x2="\#(Self.barStart)" y2="\#(y)" stroke="\#(Palette.grid)" stroke-width="1"/>"#
        return SVG.wrap(id: id, width: Self.width, height: y + 2, title: title, description: description, body: body)
    }

    /// The text alternative: every row's figures in words.
    var description: String {
        let multiple = rows.first.map { $0.figures.count > 1 } ?? false
        let parts = rows.map { row -> String in
            if multiple {
                let figures = zip(series, row.figures).map { "\($0) \($1.text)" }.joined(separator: ", ")
                return "\(row.label): \(figures)"
            }
            return "\(row.label): \(row.figures.first?.text ?? "")"
        }
        return "Bar chart. " + parts.joined(separator: "; ") + "."
    }

    /// Splits text into lines of at most `width` characters, breaking at spaces (or inside a word
    /// too long for a line); past `maxLines` the last line ends with an ellipsis.
    static func wrap(_ text: String, width: Int, maxLines: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            var word = String(word)
            while word.count > width {
                if !current.isEmpty { lines.append(current); current = "" }
                lines.append(String(word.prefix(width)))
                word = String(word.dropFirst(width))
            }
            if current.isEmpty {
                current = word
            } else if current.count + 1 + word.count <= width {
                current += " " + word
            } else {
                lines.append(current)
                current = word
            }
        }
        if !current.isEmpty || lines.isEmpty { lines.append(current) }
        guard lines.count > maxLines else { return lines }
        var kept = Array(lines.prefix(maxLines))
        var last = kept[maxLines - 1]
        if last.count >= width { last = String(last.prefix(width - 1)) }
        kept[maxLines - 1] = last + "\u{2026}"
        return kept
    }

    static func rounded(_ value: Double) -> String {
        HTML.decimal(value, places: 1).replacingOccurrences(of: ",", with: "")
    }
}

/// The frame every chart shares.
enum SVG {
    /// An accessible inline SVG: `role="img"`, labelled by its `<title>` and described by its `<desc>`.
    static func wrap(id: String, width: Double, height: Double, title: String, description: String, body: String) -> String {
        let w = BarChart.rounded(width)
        let h = BarChart.rounded(height)
        return #"<svg class="chart" viewBox="0 0 \#(w) \#(h)" width="\#(w)" height="\#(h)" role="img" aria-labelledby="\#(id)-title \#(id)-desc">"#
            + #"<title id="\#(id)-title">\#(HTML.escape(title))</title>"#
            + #"<desc id="\#(id)-desc">\#(HTML.escape(description))</desc>"#
            + body + "</svg>"
    }
}
