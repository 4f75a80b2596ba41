import DoorstepCore
import DoorstepTestSupport
import Foundation
import Testing

/// A made-up day of action, random but the same for the same seed: streets in areas (some
/// streets crossing into a second area), responses with a consent question, and knocks.
struct RandomDay {
    static let form = try! FormDefinition.parse(yaml: """
        id: random
        version: 1
        title: Random day
        consent: consent
        follow_ups:
          - question: follow_up_agency
            agencies: {police: police, council: council}
        questions:
          - name: consent
            type: select_one yes_no
            label: Happy to answer?
          - name: feel
            type: select_one feel
            label: How safe do you feel?
            relevant: ${consent} = 'yes'
          - name: worries
            type: select_multiple worries
            label: What worries you?
            relevant: ${consent} = 'yes'
          - name: years
            type: integer
            label: Years here
            relevant: ${consent} = 'yes'
          - name: concern
            type: select_one yes_no
            label: Safeguarding concern?
            safeguarding: true
          - name: follow_up_agency
            type: select_multiple agency
            label: Who should follow up?
            relevant: ${consent} = 'yes'
          - name: where
            type: text
            label: Where does it happen?
            relevant: ${consent} = 'yes'
        choices:
          yes_no:
            - {name: "yes", label: "Yes"}
            - {name: "no", label: "No"}
          feel:
            - {name: very, label: Very safe}
            - {name: fairly, label: Fairly safe}
            - {name: unsafe, label: Unsafe}
            - {name: very_unsafe, label: Very unsafe}
          worries:
            - {name: drugs, label: Drugs}
            - {name: asb, label: ASB}
            - {name: fires, label: Fires}
          agency:
            - {name: police, label: Police}
            - {name: council, label: Council}
            - {name: none, label: No one}
        """)

    /// Version 2 of ``form``: asks about street lighting too, and its feeling-safe list splits
    /// "Unsafe" in two, so that question is read version by version.
    static let upgradedForm: FormDefinition = {
        var form = Self.form
        form.version = "2"
        let feel = form.questions.firstIndex { $0.name == "feel" }!
        form.questions[feel].choices = [
            Choice(name: "very", label: "Very safe"), Choice(name: "fairly", label: "Fairly safe"),
            Choice(name: "unsafe_day", label: "Unsafe by day"), Choice(name: "unsafe_night", label: "Unsafe at night"),
            Choice(name: "very_unsafe", label: "Very unsafe"),
        ]
        var lighting = form.questions[form.questions.firstIndex { $0.name == "concern" }!]
        lighting.name = "lighting"
        lighting.label = "Is the street lighting good enough?"
        lighting.safeguarding = false
        form.questions.insert(lighting, at: feel + 1)
        return form
    }()

    let walkList: [WalkListAddress]
    /// Responses in the order they come in.
    let responses: [(address: String, answers: Answers)]
    /// Responses from this one on are recorded on ``upgradedForm``; `nil`: none are.
    let upgradeAt: Int?
    /// A knock at each door without a response, whatever happens later.
    let otherKnocks: [String: VisitOutcome]

    init(seed: UInt64, streets: Int, areas: Int, responses count: Int, upgradeAt: Int? = nil) {
        self.upgradeAt = upgradeAt
        var random = SeededGenerator(seed: seed)
        var walkList: [WalkListAddress] = []
        for street in 0..<streets {
            let area = "Area \(street % areas)"
            // Now and then a street's last doors lie in the next area.
            let crosses = areas > 1 && Int.random(in: 0..<4, using: &random) == 0
            for door in 0..<Int.random(in: 4...14, using: &random) {
                let inNext = crosses && door >= 3
                walkList.append(WalkListAddress(
                    id: "s\(street)d\(door)", address: "\(door + 1) Street \(street)", street: "Street \(street)",
                    area: inNext ? "Area \((street + 1) % areas)" : area
                ))
            }
        }
        self.walkList = walkList
        var responses: [(String, Answers)] = []
        for index in 0..<count {
            let upgraded = upgradeAt.map { index >= $0 } ?? false
            let address = walkList.randomElement(using: &random)!.id
            var answers: Answers = ["concern": .text(Int.random(in: 0..<6, using: &random) == 0 ? "yes" : "no")]
            if Int.random(in: 0..<8, using: &random) == 0 {
                answers["consent"] = .text("no")
            } else {
                answers["consent"] = .text("yes")
                let unsafe = upgraded ? ["unsafe_day", "unsafe_night"].randomElement(using: &random)! : "unsafe"
                answers["feel"] = .text(["very", "fairly", "fairly", unsafe, "very_unsafe"].randomElement(using: &random)!)
                if upgraded { answers["lighting"] = .text(Bool.random(using: &random) ? "yes" : "no") }
                answers["worries"] = .list(["drugs", "asb", "fires"].filter { _ in Bool.random(using: &random) })
                if Int.random(in: 0..<5, using: &random) > 0 { answers["years"] = .integer(Int.random(in: 0...6, using: &random)) }
                answers["follow_up_agency"] = .list([["none"], ["police"], ["council"], ["police", "council"]].randomElement(using: &random)!)
                // Places many name, spelt their own way, and a few only one resident names.
                if Int.random(in: 0..<3, using: &random) > 0 {
                    let places = ["the park", "The Park.", "station road", "Station Road", "the underpass", "canal towpath", "behind the shops"]
                    let unique = "outside number \(Int.random(in: 1...400, using: &random))"
                    answers["where"] = .text(Int.random(in: 0..<6, using: &random) == 0 ? unique : places.randomElement(using: &random)!)
                }
            }
            responses.append((address, answers))
        }
        self.responses = responses
        var knocks: [String: VisitOutcome] = [:]
        for address in walkList where Int.random(in: 0..<3, using: &random) > 0 {
            knocks[address.id] = [.noAnswer, .cardLeft, .refused, .revisit].randomElement(using: &random)!
        }
        otherKnocks = knocks
    }

    var streetAreas: [String: [String]] { CampaignAggregates.streetAreas(of: walkList) }

    /// The live figures once the first `count` responses are in.
    func aggregates(after count: Int, threshold: Int) -> CampaignAggregates {
        let byID = Dictionary(uniqueKeysWithValues: walkList.map { ($0.id, $0) })
        var tallies: [TallyKey: Int] = [:]
        var outcomes: [String: [VisitOutcome]] = otherKnocks.mapValues { [$0] }
        for (index, (address, answers)) in responses.prefix(count).enumerated() {
            let door = byID[address]
            let form = upgradeAt.map { index >= $0 } == true ? Self.upgradedForm : Self.form
            for key in Tally.contributions(of: answers, form: form, street: door?.street, area: door?.area) {
                tallies[key, default: 0] += 1
            }
            outcomes[address, default: []].append(Self.form.recordsConsent(answers) ? .surveyed : .declined)
        }
        let doors = outcomes.map { VisitFunnel.Door(address: $0.key, outcomesOldestFirst: $0.value) }
        return CampaignAggregates.compute(
            campaign: "random", name: "Random day", date: nil,
            forms: upgradeAt == nil ? [Self.form] : [Self.form, Self.upgradedForm], tallies: tallies,
            funnels: VisitFunnel.compute(addresses: walkList, doors: doors), streetAreas: streetAreas,
            threshold: threshold
        )
    }
}

@Suite("Disclosure control: no hidden count can be worked out by subtraction")
struct DisclosureTests {
    /// Streets, areas and responses of the random days.
    static let shapes: [(streets: Int, areas: Int, responses: Int)] = [
        (2, 1, 12), (3, 1, 25), (4, 2, 40), (6, 2, 60), (8, 3, 90), (5, 3, 18), (10, 4, 150),
    ]

    @Test("Within one snapshot: every sum a viewer knows leaves every hidden count unknown", arguments: [3, 5])
    func noHiddenCountRecovered(threshold: Int) {
        for (index, shape) in Self.shapes.enumerated() {
            for seed in UInt64(1)...6 {
                let day = RandomDay(seed: seed * 100 + UInt64(index), streets: shape.streets, areas: shape.areas, responses: shape.responses)
                let live = day.aggregates(after: shape.responses, threshold: threshold)
                let published = live.suppressed()
                let recovered = SubtractionAttack.recovered(
                    published: published, truth: live, streetAreas: day.streetAreas, threshold: threshold
                )
                #expect(recovered.isEmpty, "seed \(seed), shape \(shape), threshold \(threshold): \(recovered)")
                #expect(Self.smallShown(published, threshold: threshold).isEmpty, "seed \(seed), shape \(shape)")
            }
        }
    }

    @Test("Across consecutive snapshots: nothing hidden is recovered and no shown count moves by less than the threshold")
    func consecutiveSnapshots() {
        let threshold = 5
        for seed in UInt64(1)...8 {
            let day = RandomDay(seed: seed, streets: 6, areas: 2, responses: 120)
            var disclosed: DisclosedFigures?
            var previous: CampaignAggregates?
            // Publications after each sync of the day, some only one response apart.
            for count in [10, 11, 30, 34, 35, 60, 61, 90, 120] {
                let live = day.aggregates(after: count, threshold: threshold)
                let published = live.suppressed(after: disclosed)
                let recovered = SubtractionAttack.recovered(published: published, truth: live, streetAreas: day.streetAreas)
                #expect(recovered.isEmpty, "seed \(seed) at \(count): \(recovered)")
                if let previous {
                    let changes = SubtractionAttack.smallChanges(from: previous, to: published, threshold: threshold)
                    #expect(changes.isEmpty, "seed \(seed) at \(count): \(changes)")
                }
                disclosed = published.disclosed(after: disclosed)
                previous = published
            }
        }
    }

    @Test("A form upgraded during the day: the counts by version and the campaign's sums give nothing hidden away", arguments: [3, 5])
    func upgradedForm(threshold: Int) {
        for (index, shape) in Self.shapes.enumerated() {
            for seed in UInt64(1)...4 {
                // Some days upgrade early, some late, leaving a handful on one version.
                let upgradeAt = [shape.responses - 2, shape.responses / 2, 3][Int(seed) % 3]
                let day = RandomDay(
                    seed: seed * 1_000 + UInt64(index), streets: shape.streets, areas: shape.areas,
                    responses: shape.responses, upgradeAt: upgradeAt
                )
                let live = day.aggregates(after: shape.responses, threshold: threshold)
                #expect(live.versions.map(\.name) == ["1", "2"])
                let published = live.suppressed()
                let recovered = SubtractionAttack.recovered(
                    published: published, truth: live, streetAreas: day.streetAreas, threshold: threshold
                )
                #expect(recovered.isEmpty, "seed \(seed), shape \(shape), upgrade at \(upgradeAt): \(recovered)")
                #expect(Self.smallShown(published, threshold: threshold).isEmpty, "seed \(seed), shape \(shape)")
            }
        }
    }

    @Test("The attack finds a small version left open by primary suppression alone")
    func attackFindsSmallVersion() {
        let day = RandomDay(seed: 3, streets: 4, areas: 2, responses: 40, upgradeAt: 38)
        let live = day.aggregates(after: 40, threshold: 5)
        let open = Self.hidingSmallCounts(live, threshold: 5)
        let recovered = SubtractionAttack.recovered(published: open, truth: live, streetAreas: day.streetAreas)
        #expect(recovered.contains("version:2|responses"), "\(recovered)")
    }

    @Test("Free text: a text few residents typed is never named, and the attack finds a small other count left open by primary suppression alone")
    func freeTextCounts() throws {
        var typed: [String] = Array(repeating: "The park.", count: 4)
        typed += Array(repeating: "the  park", count: 3)
        typed += Array(repeating: "Station Road", count: 6)
        typed += ["behind 14 Mill Lane", "my garden"]
        var tallies: [TallyKey: Int] = [:]
        for text in typed {
            for key in Tally.contributions(of: ["consent": .text("yes"), "concern": .text("no"), "where": .text(text)], form: RandomDay.form, street: nil, area: nil) {
                tallies[key, default: 0] += 1
            }
        }
        // A resident who did not consent is never counted, whatever was typed.
        for key in Tally.contributions(of: ["consent": .text("no"), "concern": .text("no"), "where": .text("the park")], form: RandomDay.form, street: nil, area: nil) {
            tallies[key, default: 0] += 1
        }
        let truth = CampaignAggregates.compute(campaign: "c", name: "C", date: nil, forms: [RandomDay.form], tallies: tallies, funnels: [:])
        let counts = try #require(truth.texts.first)
        #expect(truth.texts.map(\.name) == ["where"])
        #expect(counts.values.map(\.name) == ["the park", "station road"])
        #expect(counts.values.map(\.label) == ["The park", "Station road"])
        #expect(counts.values.map(\.count) == [7, 6])
        #expect(counts.other == 2)
        #expect(counts.answered == 15)
        #expect(!tallies.keys.contains { $0.bucket.contains("mill lane") && $0.dimension != TallyKey.textDimension },
                "free text is counted in its own dimension only")

        let open = Self.hidingSmallCounts(truth, threshold: 5)
        #expect(SubtractionAttack.recovered(published: open, truth: truth, streetAreas: [:]).contains("all|text.where.other"))
        let published = truth.suppressed()
        #expect(SubtractionAttack.recovered(published: published, truth: truth, streetAreas: [:]).filter { $0.contains("text.") }.isEmpty)
        #expect(published.texts[0].other == nil)
        #expect(published.texts[0].values.count < 2 || published.texts[0].answered == nil, "15 − 7 − 6 would give the 2 others")
    }

    @Test("One more response between two snapshots changes no figure a viewer can see")
    func oneResponseApart() throws {
        let day = RandomDay(seed: 42, streets: 4, areas: 2, responses: 61)
        let first = day.aggregates(after: 60, threshold: 5).suppressed()
        let second = day.aggregates(after: 61, threshold: 5).suppressed(after: first.disclosed(after: nil))
        #expect(SubtractionAttack.smallChanges(from: first, to: second, threshold: 5).isEmpty)
        let before = SubtractionAttack.counts(of: first)
        let after = SubtractionAttack.counts(of: second)
        let changed = after.filter { key, value in before[key].map { $0 != value } ?? false }
        #expect(changed.isEmpty, "\(changed)")
    }

    @Test("The attack finds what primary suppression alone leaves open, so the tests above can fail")
    func attackFindsPrimaryOnly() {
        var found = 0
        for (index, shape) in Self.shapes.enumerated() {
            let day = RandomDay(seed: 7 + UInt64(index), streets: shape.streets, areas: shape.areas, responses: shape.responses)
            let live = day.aggregates(after: shape.responses, threshold: 5)
            let primaryOnly = Self.hidingSmallCounts(live, threshold: 5)
            found += SubtractionAttack.recovered(published: primaryOnly, truth: live, streetAreas: day.streetAreas).count
        }
        #expect(found > 0)
    }

    @Test("Street within area: an area's total minus its shown streets does not give a hidden street")
    func areaMinusStreets() throws {
        // Area North: Long Road 9 responses, Short Lane 2 (hidden); area South: Far Street 7.
        let form = RandomDay.form
        var walkList: [WalkListAddress] = []
        var responses: [(String, Answers)] = []
        for (street, area, count) in [("Long Road", "North", 9), ("Short Lane", "North", 2), ("Far Street", "South", 7)] {
            for door in 0..<count {
                walkList.append(WalkListAddress(id: "\(street)-\(door)", address: "\(door) \(street)", street: street, area: area))
                responses.append(("\(street)-\(door)", ["consent": .text("yes"), "concern": .text(street == "Short Lane" ? "yes" : "no")]))
            }
        }
        var tallies: [TallyKey: Int] = [:]
        for (address, answers) in responses {
            let door = walkList.first { $0.id == address }
            for key in Tally.contributions(of: answers, form: form, street: door?.street, area: door?.area) { tallies[key, default: 0] += 1 }
        }
        let streetAreas = CampaignAggregates.streetAreas(of: walkList)
        let live = CampaignAggregates.compute(
            campaign: "c", name: "C", date: nil, forms: [form], tallies: tallies,
            funnels: VisitFunnel.compute(addresses: walkList, doors: responses.map { VisitFunnel.Door(address: $0.0, outcomesOldestFirst: [.surveyed]) }),
            streetAreas: streetAreas
        )
        let published = live.suppressed()
        let short = try #require(published.streets.first { $0.name == "Short Lane" })
        #expect(short.responses == nil)
        #expect(short.safeguardingConcerns == nil)
        let north = try #require(published.areas.first { $0.name == "North" })
        let long = try #require(published.streets.first { $0.name == "Long Road" })
        #expect(north.responses == nil || long.responses == nil, "North minus Long Road would give Short Lane")
        #expect(SubtractionAttack.recovered(published: published, truth: live, streetAreas: streetAreas).isEmpty)
    }

    /// Counts from 1 to `threshold - 1` that the published figures show.
    static func smallShown(_ figures: CampaignAggregates, threshold: Int) -> [String] {
        SubtractionAttack.counts(of: figures).filter { key, value in
            value > 0 && value < threshold && !["funnel.knocked", "funnel.addresses"].contains(key.measure)
        }.map { "\($0.key): \($0.value)" }
    }

    /// The figures with small counts hidden and nothing else: primary suppression alone.
    static func hidingSmallCounts(_ figures: CampaignAggregates, threshold: Int) -> CampaignAggregates {
        func hide(_ value: Int?) -> Int? { value.flatMap { $0 > 0 && $0 < threshold ? nil : $0 } }
        func hide(_ funnel: VisitFunnel) -> VisitFunnel {
            var funnel = funnel
            for path: WritableKeyPath<VisitFunnel, Int?> in [\.answered, \.surveyed, \.declined, \.refused, \.revisits, \.noAnswer] {
                funnel[keyPath: path] = hide(funnel[keyPath: path])
            }
            return funnel
        }
        func hide(_ question: QuestionAggregate) -> QuestionAggregate {
            var question = question
            question.answered = hide(question.answered)
            question.choices = question.choices.map { var choice = $0; choice.count = hide(choice.count); return choice }
            question.distribution = question.distribution.map { var value = $0; value.count = hide(value.count); return value }
            return question
        }
        var result = figures
        result.responses = hide(figures.responses)
        result.declined = hide(figures.declined)
        result.headline.safeguardingConcerns = hide(figures.headline.safeguardingConcerns)
        result.headline.followUps = hide(figures.headline.followUps)
        result.funnel = hide(figures.funnel)
        result.questions = figures.questions.map(hide)
        result.texts = figures.texts.map { text in
            var text = text
            text.answered = hide(text.answered)
            text.other = hide(text.other)
            text.values = text.values.map { var value = $0; value.count = hide(value.count); return value }
            return text
        }
        for kind: WritableKeyPath<CampaignAggregates, [CampaignAggregates.Breakdown]> in [\.streets, \.areas, \.versions] {
            result[keyPath: kind] = figures[keyPath: kind].map { breakdown in
                var breakdown = breakdown
                breakdown.responses = hide(breakdown.responses)
                breakdown.declined = hide(breakdown.declined)
                breakdown.safeguardingConcerns = hide(breakdown.safeguardingConcerns)
                breakdown.followUps = hide(breakdown.followUps)
                breakdown.funnel = hide(breakdown.funnel)
                breakdown.questions = breakdown.questions.map(hide)
                return breakdown
            }
        }
        return result
    }
}
