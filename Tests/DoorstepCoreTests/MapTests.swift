@testable import DoorstepCore
import DoorstepTestSupport
@testable import DoorstepReport
import Foundation
import Testing

/// The report's map: drawn from the walk list's locations alone, to scale, each street shaded by
/// its own figure, and no door in a viewer's copy.
@Suite("Report map")
struct MapTests {
    /// A street of doors on the grid, 20 m apart going east from `start`.
    static func street(_ name: String, start: (Double, Double), doors: Int, prefix: String) -> [WalkListAddress] {
        (0..<doors).map { index in
            WalkListAddress(
                id: "\(prefix)\(index)", address: "\(index + 1) \(name)", street: name, area: "West",
                location: .grid(easting: start.0 + Double(index) * 20, northing: start.1)
            )
        }
    }

    @Test("Doors keep their distances and statuses; streets become lines of at most twelve points")
    func mapFromTheWalkList() throws {
        let walkList = Self.street("Long Road", start: (449_000, 520_000), doors: 40, prefix: "l")
            + Self.street("Short Lane", start: (449_000, 520_100), doors: 3, prefix: "s")
            + [WalkListAddress(id: "x", address: "Somewhere")]
        let doors = [
            VisitFunnel.Door(address: "l0", outcomesOldestFirst: [.noAnswer, .surveyed]),
            VisitFunnel.Door(address: "l1", outcomesOldestFirst: [.refused]),
            VisitFunnel.Door(address: "s0", outcomesOldestFirst: [.revisit]),
        ]
        let map = try #require(CampaignMap.compute(addresses: walkList, doors: doors))
        #expect(map.system == "easting/northing")
        #expect(map.doors.count == 43, "the door without a location is not on the map")
        #expect(map.doors.prefix(2).map(\.status) == ["surveyed", "refused"])
        #expect(map.doors[40].status == "revisit")
        #expect(map.doors[2].status == "not_knocked")
        #expect(map.doors[1].east - map.doors[0].east == 20)
        #expect(map.doors[40].north - map.doors[0].north == 100)
        let long = try #require(map.streets.first { $0.name == "Long Road" })
        #expect(long.points.count <= CampaignMap.pointsPerStreet)
        #expect(long.points.map { $0[1] }.allSatisfy { $0 == long.points[0][1] }, "a straight street stays straight")
        #expect(CampaignMap.compute(addresses: [WalkListAddress(id: "a", address: "1 Oak")], doors: []) == nil)
        // Degrees: one degree of latitude is about 111 km, one of longitude at 54.5° N about 64.8 km.
        let degrees = try #require(CampaignMap.compute(addresses: [
            WalkListAddress(id: "a", address: "a", location: .degrees(latitude: 54.5, longitude: -1.2)),
            WalkListAddress(id: "b", address: "b", location: .degrees(latitude: 54.501, longitude: -1.199)),
        ], doors: []))
        #expect(abs(degrees.doors[1].north - degrees.doors[0].north - 111) <= 1)
        #expect(abs(degrees.doors[1].east - degrees.doors[0].east - 65) <= 1)
    }

    /// Figures of a campaign on `walkList` with responses at the doors `surveyed`, answering `feel`.
    static func figures(_ walkList: [WalkListAddress], surveyed: [String: String]) throws -> CampaignAggregates {
        let form = try FormDefinition.parse(yaml: """
            id: f
            version: 1
            title: F
            questions:
              - name: feel
                type: select_one feel
                label: How safe do you feel?
            choices:
              feel:
                - {name: safe, label: Safe}
                - {name: unsafe, label: Unsafe}
            """)
        var tallies: [TallyKey: Int] = [:]
        for (address, answer) in surveyed {
            let door = walkList.first { $0.id == address }
            for key in Tally.contributions(of: ["feel": .text(answer)], form: form, street: door?.street, area: door?.area) {
                tallies[key, default: 0] += 1
            }
        }
        let doors = surveyed.keys.map { VisitFunnel.Door(address: $0, outcomesOldestFirst: [.surveyed]) }
        var figures = CampaignAggregates.compute(
            campaign: "c", name: "Mapped day", date: nil, forms: [form], tallies: tallies,
            funnels: VisitFunnel.compute(addresses: walkList, doors: doors),
            streetAreas: CampaignAggregates.streetAreas(of: walkList)
        )
        figures.map = CampaignMap.compute(addresses: walkList, doors: doors)
        return figures
    }

    /// Each street line's `data-percent` and stroke, and the doors' statuses, from the map's SVG.
    static func drawn(_ html: String) throws -> (streets: [String: (percent: String, stroke: String)], doors: [String]) {
        let document = try ReportParser.parse(html)
        var streets: [String: (String, String)] = [:]
        var doors: [String] = []
        for node in document.descendants {
            if node.classes.contains("street"), let name = node.attributes["data-street"] {
                streets[name] = (node.attributes["data-percent"] ?? "", node.attributes["stroke"] ?? "")
            }
            if node.classes.contains("door") { doors.append(node.attributes["data-status"] ?? "") }
        }
        return (streets, doors)
    }

    @Test("Each street is shaded by its own share, surveyed or an answer; a viewer's copy has no doors and dashes hidden streets")
    func streetsAreShadedByTheirFigures() throws {
        let walkList = Self.street("Long Road", start: (449_000, 520_000), doors: 10, prefix: "l")
            + Self.street("Short Lane", start: (449_000, 520_100), doors: 6, prefix: "s")
            + Self.street("Empty Row", start: (449_000, 520_200), doors: 4, prefix: "e")
        var surveyed: [String: String] = [:]
        for index in 0..<9 { surveyed["l\(index)"] = index < 6 ? "safe" : "unsafe" }
        surveyed["s0"] = "unsafe"
        surveyed["s1"] = "unsafe"
        let figures = try Self.figures(walkList, surveyed: surveyed)

        let organiser = CampaignReport(aggregates: figures).html()
        try ReportTests.expectSelfContained(organiser)
        let drawn = try Self.drawn(organiser)
        #expect(drawn.streets["Long Road"]?.percent == "90")
        #expect(drawn.streets["Long Road"]?.stroke == MapChart.shades[4])
        #expect(drawn.streets["Short Lane"]?.percent == "33.3")
        #expect(drawn.streets["Short Lane"]?.stroke == MapChart.shades[1])
        #expect(drawn.doors.filter { $0 == "surveyed" }.count == 11)
        #expect(drawn.doors.filter { $0 == "not_knocked" }.count == 9)
        #expect(drawn.streets["Empty Row"]?.percent == "0")

        let byAnswer = try Self.drawn(CampaignReport(aggregates: figures, mapShading: .answer(question: "feel", choice: "unsafe")).html())
        #expect(byAnswer.streets["Long Road"]?.percent == "33.3")
        #expect(byAnswer.streets["Short Lane"]?.percent == "100")
        #expect(byAnswer.streets["Empty Row"]?.percent == "none", "nobody there answered: no figure, not a hidden one")

        let viewer = CampaignReport(aggregates: figures.suppressed()).html()
        try ReportTests.expectSelfContained(viewer)
        let hidden = try Self.drawn(viewer)
        #expect(hidden.doors.isEmpty, "viewers read figures, not doors")
        #expect(hidden.streets["Short Lane"]?.percent == "hidden", "two responses are too few to show")
        #expect(viewer.contains("Doors are not shown in this copy."))
        let json = String(decoding: try JSONEncoder().encode(figures.suppressed()), as: UTF8.self)
        #expect(!json.contains("\"doors\":[{"), "a viewer's figures carry no door")
    }

    @Test("The map is drawn to scale: the scale bar's metres match the distance between two doors")
    func drawnToScale() throws {
        let walkList = Self.street("Long Road", start: (449_000, 520_000), doors: 11, prefix: "l")
        let figures = try Self.figures(walkList, surveyed: ["l0": "safe"])
        let document = try ReportParser.parse(CampaignReport(aggregates: figures).html())
        let doors = document.descendants.filter { $0.classes.contains("door") }
        let first = try #require(doors.first?.attributes["cx"].flatMap(Double.init))
        let last = try #require(doors.last?.attributes["cx"].flatMap(Double.init))
        // The bar is "M12 y V y H right V ...": its length in pixels stands for its label in metres.
        let bar = try #require(document.descendants.first { $0.name == "path" && ($0.attributes["d"] ?? "").hasPrefix("M12 ") })
        let right = try #require((bar.attributes["d"] ?? "").split(separator: "H").last?.split(separator: "V").first.flatMap { Double($0) })
        let label = try #require(document.descendants.first { $0.name == "text" && $0.allText.hasSuffix(" m") }?.allText)
        let metres = try #require(Double(label.dropLast(2)))
        let pixelsPerMetre = (right - 12) / metres
        #expect(abs((last - first) / pixelsPerMetre - 200) < 1, "ten gaps of 20 m")
    }

    @Test("Shading by an answer names a question with choices and one of its choices, or says what there is")
    func shadingIsChecked() throws {
        let figures = try Self.figures(Self.street("Long Road", start: (449_000, 520_000), doors: 2, prefix: "l"), surveyed: [:])
        #expect(MapShading("feel:unsafe") == .answer(question: "feel", choice: "unsafe"))
        #expect(MapShading("feel=unsafe") == .answer(question: "feel", choice: "unsafe"))
        #expect(MapShading("feel") == nil)
        #expect(MapShading.surveyed.problem(in: figures) == nil)
        #expect(MapShading("feel:unsafe")?.problem(in: figures) == nil)
        #expect(MapShading("feel:never")?.problem(in: figures) == "Question feel has no choice never; its choices are safe, unsafe.")
        #expect(MapShading("age:1")?.problem(in: figures)?.hasPrefix("The map cannot be shaded by age") == true)
    }

    @Test("Without locations there is no map and no error")
    func noLocationsNoMap() throws {
        let walkList = [WalkListAddress(id: "a", address: "1 Oak", street: "Oak")]
        let figures = try Self.figures(walkList, surveyed: ["a": "safe"])
        #expect(figures.map == nil)
        #expect(!CampaignReport(aggregates: figures).html().contains("Where the doors are"))
    }
}

@Suite("Free text normalised")
struct TextNormalisationTests {
    @Test("The one-pass reading of ASCII text gives what Foundation's reading gives, for every ASCII character",
          arguments: SeededGenerator.seeds)
    func asciiMatchesFoundation(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        let alphabet = (0..<128).map { Character(Unicode.Scalar(UInt8($0))) }
        for trial in 0..<1_700 {
            let text = String((0..<Int.random(in: 0...12, using: &random)).map { _ in
                // Mostly letters and spaces, with every other character now and then.
                Bool.random(using: &random) ? alphabet.randomElement(using: &random)! : " aZ.,!?\t".randomElement(using: &random)!
            })
            let fast = try #require(TextCounts.normaliseASCII(text))
            #expect(fast == TextCounts.normaliseUnicode(text), "seed \(seed), trial \(trial): \(text.debugDescription)")
        }
        #expect(TextCounts.normaliseASCII("Café") == nil)
        #expect(TextCounts.normalise("  The   PARK. ") == "the park")
        #expect(TextCounts.normalise("«Café du Parc»!") == "café du parc")
    }
}
