public import DoorstepCore
import Foundation

/// What the streets of the report's map are shaded by.
public enum MapShading: Sendable, Hashable {
    /// The share of the street's doors on the walk list that were surveyed.
    case surveyed
    /// The share of the street's answers to a question that chose one choice.
    case answer(question: String, choice: String)

    /// Reads `QUESTION:CHOICE` (or `QUESTION=CHOICE`); `nil` for text of another shape.
    public init?(_ text: String) {
        guard let separator = text.firstIndex(where: { $0 == ":" || $0 == "=" }) else { return nil }
        let question = String(text[..<separator]), choice = String(text[text.index(after: separator)...])
        guard !question.isEmpty, !choice.isEmpty else { return nil }
        self = .answer(question: question, choice: choice)
    }

    /// Why `figures` cannot be shaded so (no such question with choices, or no such choice), or
    /// `nil` when they can.
    public func problem(in figures: CampaignAggregates) -> String? {
        guard case .answer(let name, let choice) = self else { return nil }
        let choiceQuestions = figures.questions.filter { !$0.choices.isEmpty }
        guard let question = choiceQuestions.first(where: { $0.name == name }) else {
            return "The map cannot be shaded by \(name): it is not a question with choices whose answers are counted (those are \(choiceQuestions.map(\.name).joined(separator: ", ")))."
        }
        guard question.choices.contains(where: { $0.name == choice }) else {
            return "Question \(name) has no choice \(choice); its choices are \(question.choices.map(\.name).joined(separator: ", "))."
        }
        return nil
    }

    /// What the shading means, for the report: "Share of doors surveyed".
    func title(in figures: CampaignAggregates) -> String {
        guard case .answer(let name, let choice) = self,
              let question = figures.questions.first(where: { $0.name == name }),
              let label = question.choices.first(where: { $0.name == choice })?.label
        else { return "Share of doors surveyed" }
        return "Share answering “\(label)”"
    }
}

/// The campaign's map as inline SVG, drawn from the walk list's locations (no tiles, nothing
/// fetched): each street a line shaded by a share (``MapShading``) in five steps of 20 points,
/// hidden streets dashed, and for organisers each door a dot coloured by how far its visit got;
/// a scale bar and north point.
struct MapChart {
    var map: CampaignMap
    /// The streets' figures, by name.
    var streets: [String: CampaignAggregates.Breakdown]
    var shading: MapShading
    /// What the shading means, for the legend: "Share of doors surveyed".
    var shadingTitle: String

    static let width = 680.0
    static let margin = 24.0
    /// The map's background.
    static let paper = "#f7f7f5"
    /// The five shades of a share, lightest for 0–20%.
    static let shades = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"]
    /// Door statuses in the legend's order, with their colours.
    static let statuses: [(name: String, label: String, colour: String)] = [
        ("surveyed", "Surveyed", "#1a7f37"), ("declined", "Declined", "#6b3f98"), ("refused", "Refused", "#b42318"),
        ("revisit", "Revisit", "#b54708"), ("no_answer", "No answer", "#667085"), ("not_knocked", "Not knocked", "#ffffff"),
    ]

    /// What a street is shaded by.
    enum Shade: Equatable {
        /// A share, 0–100.
        case share(Double)
        /// Hidden in a viewer's copy.
        case hidden
        /// No base yet: no doors on the list, or nobody there answered the question.
        case noBase

        /// The figure as `data-percent` gives it.
        var data: String {
            switch self {
            case .share(let percent): HTML.decimal(percent, places: 1)
            case .hidden: "hidden"
            case .noBase: "none"
            }
        }

        /// The figure as the street's tooltip gives it.
        var text: String {
            switch self {
            case .share(let percent): HTML.percent(percent)
            case .hidden: "hidden"
            case .noBase: "no answers yet"
            }
        }
    }

    /// The figure a street is shaded by.
    func shade(of street: String) -> Shade {
        guard let figures = streets[street] else { return .noBase }
        let base: Int?, part: Int?
        switch shading {
        case .surveyed:
            (base, part) = (figures.funnel.addresses, figures.funnel.surveyed)
        case .answer(let name, let choice):
            let question = figures.questions.first { $0.name == name }
            (base, part) = (question?.answered ?? 0, question?.choices.first { $0.name == choice }?.count ?? 0)
        }
        guard let base, let part else { return .hidden }
        return ReportText.share(part, of: base).map(Shade.share) ?? .noBase
    }

    /// The shade of a share: 0–20% the lightest, 80–100% the darkest.
    static func shade(_ percent: Double) -> String {
        shades[min(Int(percent / 20), shades.count - 1)]
    }

    func svg(id: String) -> String {
        let xs = map.streets.flatMap { $0.points.map { $0[0] } } + map.doors.map(\.east)
        let ys = map.streets.flatMap { $0.points.map { $0[1] } } + map.doors.map(\.north)
        let (minX, maxX) = (xs.min() ?? 0, xs.max() ?? 0)
        let (minY, maxY) = (ys.min() ?? 0, ys.max() ?? 0)
        let spanX = max(maxX - minX, 50), spanY = max(maxY - minY, 50)
        let room = Self.width - 2 * Self.margin
        // One scale both ways; the map is as tall as the doors' spread needs, within limits.
        let mapHeight = min(max(room * spanY / spanX, 240), 520)
        let scale = min(room / spanX, (mapHeight - 2 * Self.margin) / spanY)
        let offsetX = Self.margin + (room - spanX * scale) / 2
        let offsetY = Self.margin + (mapHeight - 2 * Self.margin - spanY * scale) / 2
        func x(_ east: Double) -> String { BarChart.rounded(offsetX + (east - minX) * scale) }
        func y(_ north: Double) -> String { BarChart.rounded(offsetY + (maxY - north) * scale) }

        var body = #"<rect x="0" y="0" width="\#(Self.width)" height="\#(BarChart.rounded(mapHeight))" fill="\#(Self.paper)" stroke="\#(Palette.grid)"/>"#
        for street in map.streets {
            let path = street.points.enumerated().map { "\($0.offset == 0 ? "M" : "L")\(x($0.element[0])) \(y($0.element[1]))" }.joined()
            let dot = street.points.count == 1 ? "l0.01 0" : ""
            let shade = shade(of: street.name)
            let data = #" data-street="\#(HTML.escape(street.name))" data-percent="\#(shade.data)""#
            body += "<g><title>\(HTML.escape(street.name)): \(shade.text)</title>"
            body += #"<path d="\#(path)\#(dot)" fill="none" stroke="\#(Palette.muted)" stroke-width="11" stroke-linecap="round" stroke-linejoin="round"/>"#
            switch shade {
            case .share(let share):
                body += #"<path class="street"\#(data) d="\#(path)\#(dot)" fill="none" stroke="\#(Self.shade(share))" stroke-width="8" stroke-linecap="round" stroke-linejoin="round"/>"#
            case .noBase:
                body += #"<path class="street"\#(data) d="\#(path)\#(dot)" fill="none" stroke="\#(Self.paper)" stroke-width="8" stroke-linecap="round" stroke-linejoin="round"/>"#
            case .hidden:
                body += #"<path class="street"\#(data) d="\#(path)\#(dot)" fill="none" stroke="white" stroke-width="8" stroke-linecap="round" stroke-linejoin="round"/>"#
                body += #"<path d="\#(path)\#(dot)" fill="none" stroke="\#(Palette.muted)" stroke-width="2" stroke-dasharray="4 4"/>"#
            }
            body += "</g>"
        }
        let colours = Dictionary(uniqueKeysWithValues: Self.statuses.map { ($0.name, $0.colour) })
        for door in map.doors {
            let colour = colours[door.status] ?? "#ffffff"
            let stroke = door.status == "not_knocked" ? Palette.muted : "white"
            body += #"<circle class="door" data-status="\#(door.status)" cx="\#(x(door.east))" cy="\#(y(door.north))" r="3.4" fill="\#(colour)" stroke="\#(stroke)" stroke-width="1"/>"#
        }
        if map.streets.count <= 20 {
            for street in map.streets {
                let middle = street.points[street.points.count / 2]
                body += #"<text x="\#(x(middle[0]))" y="\#(BarChart.rounded(Double(y(middle[1]))! - 9))" font-size="11" text-anchor="middle" fill="\#(Palette.text)" stroke="white" stroke-width="3" paint-order="stroke">\#(HTML.escape(street.name))</text>"#
            }
        }
        body += northPoint(at: Self.width - 22, top: 10)
        body += scaleBar(metresPerPixel: 1 / scale, y: mapHeight - 12)

        var legendY = mapHeight + 20
        body += #"<text x="0" y="\#(legendY)" font-size="12" fill="\#(Palette.text)">\#(HTML.escape(shadingTitle)):</text>"#
        var legendX = 8 + Double(shadingTitle.count + 1) * 6.4
        for (index, shade) in Self.shades.enumerated() {
            body += #"<rect x="\#(BarChart.rounded(legendX))" y="\#(legendY - 10)" width="22" height="12" fill="\#(shade)" stroke="\#(Palette.muted)" stroke-width="0.5"/>"#
            body += #"<text x="\#(BarChart.rounded(legendX + 26))" y="\#(legendY)" font-size="11" fill="\#(Palette.muted)">\#(index * 20)–\#(index * 20 + 20)%</text>"#
            legendX += 78
        }
        body += #"<line x1="\#(BarChart.rounded(legendX))" y1="\#(legendY - 4)" x2="\#(BarChart.rounded(legendX + 22))" y2="\#(legendY - 4)" stroke="\#(Palette.muted)" stroke-width="2" stroke-dasharray="4 4"/>"#
        body += #"<text x="\#(BarChart.rounded(legendX + 26))" y="\#(legendY)" font-size="11" fill="\#(Palette.muted)">hidden</text>"#
        if map.streets.contains(where: { shade(of: $0.name) == .noBase }) {
            legendY += 20
            body += #"<rect x="0" y="\#(legendY - 10)" width="22" height="12" fill="\#(Self.paper)" stroke="\#(Palette.muted)" stroke-width="1.5"/>"#
            body += #"<text x="26" y="\#(legendY)" font-size="11" fill="\#(Palette.muted)">no answer there yet</text>"#
        }
        if !map.doors.isEmpty {
            legendY += 20
            body += #"<text x="0" y="\#(legendY)" font-size="12" fill="\#(Palette.text)">Doors:</text>"#
            legendX = 50
            for status in Self.statuses {
                let stroke = status.name == "not_knocked" ? Palette.muted : "white"
                body += #"<circle cx="\#(BarChart.rounded(legendX))" cy="\#(legendY - 4)" r="4" fill="\#(status.colour)" stroke="\#(stroke)"/>"#
                body += #"<text x="\#(BarChart.rounded(legendX + 8))" y="\#(legendY)" font-size="11" fill="\#(Palette.muted)">\#(status.label)</text>"#
                legendX += 18 + Double(status.label.count) * 6.2
            }
        }
        let doors = map.doors.isEmpty ? "" : "; \(HTML.count(map.doors.count)) doors coloured by how far the visit got"
        let description = "Map of \(map.streets.count) street\(map.streets.count == 1 ? "" : "s") drawn from the walk list's \(map.system), each shaded by \(shadingTitle.lowercased())\(doors)."
        return SVG.wrap(id: id, width: Self.width, height: legendY + 8, title: "Where the doors are", description: description, body: body)
    }

    /// A bar of a round number of metres, about a fifth of the map's width, bottom left.
    func scaleBar(metresPerPixel: Double, y: Double) -> String {
        let lengths: [Double] = [5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000]
        let metres = lengths.last { $0 / metresPerPixel <= Self.width / 5 } ?? lengths[0]
        let pixels = metres / metresPerPixel
        let label = metres >= 1_000 ? "\(Int(metres / 1_000)) km" : "\(Int(metres)) m"
        let left = BarChart.rounded(12), right = BarChart.rounded(12 + pixels)
        return #"<path d="M\#(left) \#(BarChart.rounded(y - 5))V\#(BarChart.rounded(y))H\#(right)V\#(BarChart.rounded(y - 5))" fill="none" stroke="\#(Palette.text)" stroke-width="1.5"/>"#
            + #"<text x="\#(BarChart.rounded(12 + pixels + 5))" y="\#(BarChart.rounded(y))" font-size="11" fill="\#(Palette.text)">\#(label)</text>"#
    }

    /// An arrow pointing up with an N: the map is drawn with north at the top.
    func northPoint(at x: Double, top: Double) -> String {
        #"<path d="M\#(x) \#(top)l6 16h-12z" fill="\#(Palette.text)"/>"#
            + #"<text x="\#(x)" y="\#(top + 30)" font-size="11" text-anchor="middle" fill="\#(Palette.text)">N</text>"#
    }
}
