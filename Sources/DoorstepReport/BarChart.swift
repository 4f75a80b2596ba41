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
///
/// Shares are drawn on one 0–100% axis, the same in every chart of a report, so a bar's length is
/// its percentage wherever it is; a chart of plain counts (no shares) is drawn against its largest
/// count and says so. A series whose base (n) is below ``smallBase`` is drawn hatched, with a note.
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
    /// The number each series' shares are of (n), printed with the chart; `nil` when hidden.
    var bases: [Int?] = []
    /// Bases below this are drawn hatched (the campaign's suppression threshold); `nil`: never.
    var smallBase: Int?

    /// Whether the bars are shares (drawn on the 0–100% axis) rather than plain counts.
    var drawsShares: Bool {
        rows.contains { $0.figures.contains { $0.percent != nil } }
    }

    /// The series drawn hatched: those whose base is known and below ``smallBase``.
    var hatchedSeries: Set<Int> {
        guard let smallBase else { return [] }
        return Set(bases.indices.filter { bases[$0].map { $0 > 0 && $0 < smallBase } ?? false })
    }

    /// The bar's length for `figure` in a bar room of `room` points: its percentage of the room
    /// for a share, its count against `largest` otherwise.
    static func length(of figure: Figure, shares: Bool, largest: Int, room: Double) -> Double {
        guard let count = figure.count else { return 0 }
        var length: Double
        if shares {
            length = (figure.percent ?? 0) / 100 * room
        } else {
            length = largest > 0 ? Double(count) / Double(largest) * room : 0
        }
        if count > 0 { length = max(length, 2) }
        return min(length, room)
    }

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
        let barRoom = Self.barRoom
        let largest = rows.flatMap { $0.figures.compactMap(\.count) }.max() ?? 0
        let shares = drawsShares
        let hatched = hatchedSeries
        var body = ""
        var y = 0.0
        if seriesCount > 1 {
            var x = Self.barStart
            for (index, name) in series.enumerated() {
                let legend = name + (index < bases.count ? bases[index].map { " (n = \(HTML.count($0)))" } ?? "" : "")
                body += Self.box(x: x, y: 3, width: 12, height: 12, colour: Palette.series(index, of: seriesCount), hatched: hatched.contains(index))
                body += #"<text x="\#(x + 17)" y="13.5" font-size="12" fill="\#(Palette.text)">\#(HTML.escape(legend))</text>"#
                x += 28 + Double(legend.count) * 6.6
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
                if figure.count != nil {
                    let length = Self.length(of: figure, shares: shares, largest: largest, room: barRoom)
                    let value = shares ? #" data-percent="\#(figure.percent.map { HTML.decimal($0, places: 1) } ?? "0")""# : ""
                    body += Self.box(
                        x: Self.barStart, y: barTop, width: length, height: thickness,
                        colour: Palette.series(index, of: seriesCount), hatched: hatched.contains(index), attributes: #" class="bar""# + value
                    )
                    body += #"<text x="\#(Self.rounded(Self.barStart + length + 6))" y="\#(barTop + thickness - 3.5)" font-size="12" fill="\#(Palette.text)">\#(HTML.escape(figure.text))</text>"#
                } else {
                    body += #"<text x="\#(Self.barStart)" y="\#(barTop + thickness - 3.5)" font-size="12" font-style="italic" fill="\#(Palette.muted)">hidden</text>"#
                }
                barTop += thickness + 3
            }
            body += "</g>"
            y += height
        }
        let top = seriesCount > 1 ? 22.0 : 0
        body += #"<line x1="\#(Self.barStart)" y1="\#(top)" x2="\#(Self.barStart)" y2="\#(y)" stroke="\#(Palette.grid)" stroke-width="1"/>"#
        if shares {
            // The common axis: 0, 50 and 100% at the same places in every chart of the report.
            for (fraction, label) in [(0.5, "50%"), (1.0, "100%")] {
                let x = Self.rounded(Self.barStart + fraction * barRoom)
                body += #"<line x1="\#(x)" y1="\#(top)" x2="\#(x)" y2="\#(y)" stroke="\#(Palette.grid)" stroke-width="1" stroke-dasharray="2 3"/>"#
                body += #"<text x="\#(x)" y="\#(y + 13)" font-size="11" text-anchor="middle" fill="\#(Palette.muted)">\#(label)</text>"#
            }
            body += #"<text x="\#(Self.barStart)" y="\#(y + 13)" font-size="11" text-anchor="middle" fill="\#(Palette.muted)">0</text>"#
            y += 16
        } else {
            body += #"<text x="\#(Self.barStart)" y="\#(y + 13)" font-size="11" fill="\#(Palette.muted)">Counts; the longest bar is the largest count.</text>"#
            y += 16
        }
        return SVG.wrap(id: id, width: Self.width, height: y + 2, title: title, description: description, body: body)
    }

    /// A bar (or a legend's square): filled with `colour`, or when `hatched` outlined in it and
    /// striped at 45° (drawn as lines, so the page needs no pattern references).
    static func box(
        x: Double, y: Double, width: Double, height: Double, colour: String, hatched: Bool, attributes: String = ""
    ) -> String {
        let frame = #"x="\#(rounded(x))" y="\#(rounded(y))" width="\#(rounded(width))" height="\#(rounded(height))""#
        guard hatched else { return #"<rect\#(attributes) \#(frame) fill="\#(colour)"/>"# }
        var stripes = ""
        var offset = -height
        while offset < width {
            // The stripe (x + offset + s, y + height - s) for s in 0...height, kept inside the box.
            let from = max(0, -offset)
            let to = min(height, width - offset)
            if from < to {
                stripes += "M\(rounded(x + offset + from)) \(rounded(y + height - from))L\(rounded(x + offset + to)) \(rounded(y + height - to))"
            }
            offset += 5
        }
        return #"<rect\#(attributes) \#(frame) fill="white" stroke="\#(colour)" stroke-width="1"/>"#
            + #"<path d="\#(stripes)" stroke="\#(colour)" stroke-width="1.5"/>"#
    }

    /// The room for bars between the labels and the figures written after them; 100% fills it.
    static let barRoom = width - barStart - valueRoom

    /// A line under the chart when some series is hatched, or `nil`.
    var smallBaseNote: String? {
        guard let smallBase, !hatchedSeries.isEmpty else { return nil }
        if series.count < 2, let base = bases.first ?? nil {
            return "Hatched: only \(HTML.count(base)) answered, fewer than \(smallBase); read the shares with care."
        }
        let which = hatchedSeries.sorted().map { index -> String in
            let name = index < series.count ? series[index] : "This chart"
            let base = index < bases.count ? bases[index].map { HTML.count($0) } ?? "?" : "?"
            return "\(name) (n = \(base))"
        }
        return "Hatched: \(which.joined(separator: ", ")) rests on fewer than \(smallBase) answers; read its shares with care."
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
