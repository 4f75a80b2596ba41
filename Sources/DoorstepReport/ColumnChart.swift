/// A distribution as inline SVG: one column per value (or range of values, or month), a column
/// per series, the count above each column and the value below.
struct ColumnChart {
    struct Column {
        var label: String
        var figures: [Figure]
    }

    var title: String
    var series: [String] = []
    var columns: [Column]
    /// What the values are, for the text alternative: "Distribution of answers".
    var kind = "Distribution"

    static let width = 680.0
    static let plotHeight = 150.0
    static let top = 22.0
    static let bottom = 34.0
    static let side = 8.0

    func svg(id: String) -> String {
        let seriesCount = max(1, columns.first?.figures.count ?? 1)
        let legend = seriesCount > 1 ? 22.0 : 0
        let slot = (Self.width - 2 * Self.side) / Double(max(columns.count, 1))
        let barWidth = min(48, slot * 0.72 / Double(seriesCount))
        let largest = columns.flatMap { $0.figures.compactMap(\.count) }.max() ?? 0
        let baseline = legend + Self.top + Self.plotHeight
        let showCounts = slot / Double(seriesCount) >= 22
        var body = ""
        if seriesCount > 1 {
            var x = Self.side
            for (index, name) in series.enumerated() {
                body += #"<rect x="\#(x)" y="3" width="12" height="12" fill="\#(Palette.series(index, of: seriesCount))"/>"#
                body += #"<text x="\#(x + 17)" y="13.5" font-size="12" fill="\#(Palette.text)">\#(HTML.escape(name))</text>"#
                x += 28 + Double(name.count) * 6.6
            }
        }
        let labelCharacters = max(3, Int(slot / 6.2))
        for (index, column) in columns.enumerated() {
            let slotStart = Self.side + Double(index) * slot
            var x = slotStart + (slot - barWidth * Double(seriesCount)) / 2
            body += "<g>"
            for (seriesIndex, figure) in column.figures.enumerated() {
                let center = BarChart.rounded(x + barWidth / 2)
                if let count = figure.count {
                    var height = largest > 0 ? Double(count) / Double(largest) * Self.plotHeight : 0
                    if count > 0 { height = max(height, 2) }
                    body += #"<rect x="\#(BarChart.rounded(x))" y="\#(BarChart.rounded(baseline - height))" width="\#(BarChart.rounded(barWidth))" height="\#(BarChart.rounded(height))" fill="\#(Palette.series(seriesIndex, of: seriesCount))"/>"#
                    if showCounts {
                        body += #"<text x="\#(center)" y="\#(BarChart.rounded(baseline - height - 5))" font-size="11" text-anchor="middle" fill="\#(Palette.text)">\#(HTML.count(count))</text>"#
                    }
                } else {
                    body += #"<text x="\#(center)" y="\#(BarChart.rounded(baseline - 5))" font-size="10" font-style="italic" text-anchor="end" transform="rotate(-90 \#(center) \#(BarChart.rounded(baseline - 5)))" fill="\#(Palette.muted)">hidden</text>"#
                }
                x += barWidth
            }
            var label = column.label
            if label.count > labelCharacters { label = String(label.prefix(labelCharacters - 1)) + "\u{2026}" }
            body += #"<text x="\#(BarChart.rounded(slotStart + slot / 2))" y="\#(BarChart.rounded(baseline + 16))" font-size="11" text-anchor="middle" fill="\#(Palette.text)">\#(HTML.escape(label))</text>"#
            body += "</g>"
        }
        body += #"<line x1="\#(Self.side)" y1="\#(baseline)" x2="\#(Self.width - Self.side)" y2="\#(baseline)" stroke="\#(Palette.grid)" stroke-width="1"/>"#
        return SVG.wrap(
            id: id, width: Self.width, height: baseline + Self.bottom, title: title, description: description, body: body
        )
    }

    var description: String {
        let multiple = columns.first.map { $0.figures.count > 1 } ?? false
        let parts = columns.map { column -> String in
            if multiple {
                return "\(column.label): " + zip(series, column.figures).map { "\($0) \($1.text)" }.joined(separator: ", ")
            }
            return "\(column.label): \(column.figures.first?.text ?? "")"
        }
        return "\(kind). " + parts.joined(separator: "; ") + "."
    }
}
