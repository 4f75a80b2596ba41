import DoorstepCore
import DoorstepWire
import Foundation
import Testing

@Suite("Aggregation: tallies and campaign figures")
struct AggregationTests {
    typealias Fixture = AggregationFixture

    // MARK: Tallies

    @Test("One response contributes its choices, numbers and months in each of its dimensions")
    func contributionsOfOneResponse() {
        let keys = Tally.contributions(
            of: Fixture.rows[0].answers, form: Fixture.form, street: " Acre Street ", area: "West End"
        )
        #expect(keys.count == Set(keys).count, "each key once")
        let all = Set(keys.filter { $0.dimension == "all" }.map { "\($0.question)=\($0.bucket)" })
        #expect(all == [
            "*=responses", "*=follow_up",
            "feel_safe=answered", "feel_safe=very_safe",
            "worries=answered", "worries=drugs", "worries=asb",
            "years=answered", "years=1",
            "concern=answered", "concern=no",
            "follow_up=answered", "follow_up=police",
            "seen_on=answered", "seen_on=2026-10",
            "double_years=answered", "double_years=2",
        ])
        #expect(Set(keys.map(\.dimension)) == ["all", "version:\(Fixture.form.version)", "street:Acre Street", "area:West End", TallyKey.textDimension])
        #expect(keys.filter { $0.dimension != TallyKey.textDimension }.count == all.count * 4)
    }

    @Test("Sensitive questions and notes never contribute; free text only by normalised text, for the campaign")
    func textAndSensitiveExcluded() {
        let all = Fixture.rows.flatMap {
            Tally.contributions(of: $0.answers, form: Fixture.form, street: $0.street, area: nil)
        }
        let text = all.filter { $0.dimension == TallyKey.textDimension }
        #expect(Set(text.map(\.question)).isSubset(of: Set(Fixture.form.countedTextQuestions.map(\.name))))
        #expect(text.allSatisfy { $0.bucket == TextCounts.normalise($0.bucket) })
        let keys = all.filter { $0.dimension != TallyKey.textDimension }
        let questions = Set(keys.map(\.question))
        #expect(!questions.contains("comments"))
        #expect(!questions.contains("name"))
        #expect(!questions.contains("phone"))
        #expect(!questions.contains("intro"))
        #expect(!keys.contains { $0.bucket.contains("Ann") || $0.bucket.contains("7700900123") })
    }

    @Test("A safeguarding answer of yes flags the response; no does not")
    func safeguardingFlag() {
        let flagged = Tally.contributions(of: Fixture.rows[2].answers, form: Fixture.form, street: nil, area: nil)
        let clear = Tally.contributions(of: Fixture.rows[1].answers, form: Fixture.form, street: nil, area: nil)
        #expect(flagged.contains(TallyKey(dimension: "all", question: Tally.responseQuestion, bucket: "safeguarding")))
        #expect(!clear.contains(TallyKey(dimension: "all", question: Tally.responseQuestion, bucket: "safeguarding")))
        #expect(!clear.contains(TallyKey(dimension: "all", question: Tally.responseQuestion, bucket: "follow_up")),
                "follow-up answered none is no follow-up")
    }

    @Test("Adding then subtracting a response's contributions leaves the tallies as they were")
    func subtractingRestores() {
        var tallies = Fixture.tallies()
        let before = tallies.filter { $0.value != 0 }
        let extra: Answers = ["feel_safe": .text("very_unsafe"), "years": .decimal(2.5)]
        for key in Tally.contributions(of: extra, form: Fixture.form, street: "Acre Street", area: nil) {
            tallies[key, default: 0] += 1
        }
        #expect(tallies[TallyKey(dimension: "all", question: "years", bucket: "2.5")] == 1)
        for key in Tally.contributions(of: extra, form: Fixture.form, street: "Acre Street", area: nil) {
            tallies[key, default: 0] -= 1
        }
        #expect(tallies.filter { $0.value != 0 } == before)
    }

    // MARK: Figures against hand-computed values

    @Test("Choice counts and percentages")
    func choices() throws {
        let aggregates = Fixture.aggregates()
        #expect(aggregates.responses == 10)
        let feel = try #require(aggregates.questions.first { $0.name == "feel_safe" })
        #expect(feel.label == "How safe do you feel after dark?")
        #expect(feel.kind == "select_one")
        #expect(feel.group == "safety")
        #expect(feel.answered == 9)
        #expect(feel.choices.map(\.name) == ["very_safe", "fairly_safe", "fairly_unsafe", "very_unsafe"])
        #expect(feel.choices.map(\.count) == [3, 4, 1, 1])
        #expect(feel.choices.map(\.percent) == [33.3, 44.4, 11.1, 11.1])

        let worries = try #require(aggregates.questions.first { $0.name == "worries" })
        #expect(worries.answered == 9, "an empty multi-select is no answer")
        #expect(worries.choices.map(\.count) == [7, 3, 1, 1])
        #expect(worries.choices.map(\.percent) == [77.8, 33.3, 11.1, 11.1])
    }

    @Test("Numeric summary from value buckets: n, mean, median, min, max")
    func numbers() throws {
        let aggregates = Fixture.aggregates()
        let years = try #require(aggregates.questions.first { $0.name == "years" })
        #expect(years.answered == 9)
        #expect(years.distribution.map(\.name) == ["1", "2", "3", "4", "5", "7", "10"])
        #expect(years.distribution.map(\.count) == [1, 3, 1, 1, 1, 1, 1])
        #expect(years.summary == NumericSummary(n: 9, mean: 4, median: 3, min: 1, max: 10))

        let even = NumericSummary.of([(value: 1, count: 1), (value: 4, count: 2), (value: 10, count: 1)])
        #expect(even == NumericSummary(n: 4, mean: 4.75, median: 4, min: 1, max: 10))
        let split = NumericSummary.of([(value: 2, count: 1), (value: 5, count: 1)])
        #expect(split.median == 3.5)
        #expect(NumericSummary.of([]).n == 0)
        #expect(NumericSummary.of([]).mean == nil)
    }

    @Test("Dates by month, calculations that give numbers, no text or sensitive questions")
    func otherKinds() throws {
        let aggregates = Fixture.aggregates()
        #expect(aggregates.questions.map(\.name) == ["feel_safe", "worries", "years", "concern", "follow_up", "seen_on", "double_years"])
        let seen = try #require(aggregates.questions.first { $0.name == "seen_on" })
        #expect(seen.distribution.map(\.name) == ["2026-10", "2026-11"])
        #expect(seen.distribution.map(\.count) == [2, 1])
        let double = try #require(aggregates.questions.first { $0.name == "double_years" })
        #expect(double.summary?.n == 1)
    }

    @Test("Headline: safeguarding concerns and follow-ups by agency")
    func headline() {
        let headline = Fixture.aggregates().headline
        #expect(headline.safeguardingConcerns == 2)
        #expect(headline.followUps == 4)
        #expect(headline.followUpsByAgency.map(\.name) == ["police", "council", "fire"])
        #expect(headline.followUpsByAgency.map(\.count) == [3, 1, 1])
        #expect(headline.followUpsByAgency.map(\.percent) == [30, 10, 10])
    }

    @Test("Visit funnel: derived statuses add up, whole campaign and per street")
    func funnel() throws {
        let aggregates = Fixture.aggregates()
        #expect(aggregates.funnel == VisitFunnel(
            addresses: 13, knocked: 13, answered: 12, surveyed: 10, refused: 1, revisits: 1, noAnswer: 1, visits: 15
        ))
        let acre = try #require(aggregates.streets.first { $0.name == "Acre Street" })
        #expect(acre.funnel == VisitFunnel(
            addresses: 8, knocked: 8, answered: 8, surveyed: 6, refused: 1, revisits: 1, noAnswer: 0, visits: 11
        ))
        let birch = try #require(aggregates.streets.first { $0.name == "Birch Road" })
        #expect(birch.funnel == VisitFunnel(
            addresses: 5, knocked: 5, answered: 4, surveyed: 4, refused: 0, revisits: 0, noAnswer: 1, visits: 4
        ))
        func status(_ outcomes: [VisitOutcome], response: Bool = false) -> VisitFunnel.Status {
            VisitFunnel.Status(
                outcomes.isEmpty ? nil : VisitFunnel.Door(address: "x", outcomesOldestFirst: outcomes), hasResponse: response
            )
        }
        #expect(status([.surveyed, .refused]) == .surveyed, "a door once surveyed stays surveyed")
        #expect(status([.revisit, .refused]) == .refused, "otherwise the latest knock decides")
        #expect(status([.cardLeft]) == .noAnswer)
        #expect(status([], response: true) == .surveyed)
        #expect(status([]) == .notKnocked)
    }

    @Test("A response without consent is declined: counted once, none of its answers, its knock declined")
    func declined() throws {
        var form = Fixture.form
        form.questions.insert(Question(
            name: "consent", type: .selectOne(list: "yn"), label: "Happy to answer?",
            choices: [Choice(name: "yes", label: "Yes"), Choice(name: "no", label: "No")]
        ), at: 0)
        form.consent = "consent"
        let keys = Tally.contributions(
            of: ["consent": .text("no"), "feel_safe": .text("very_safe"), "concern": .text("yes")], form: form,
            street: "Acre Street", area: nil
        )
        #expect(Set(keys.filter { $0.dimension == "all" }.map { "\($0.question)=\($0.bucket)" }) == ["*=declined", "*=safeguarding"])
        let consented = Tally.contributions(of: ["consent": .text("yes"), "feel_safe": .text("very_safe")], form: form, street: nil, area: nil)
        #expect(consented.contains(TallyKey(dimension: "all", question: "*", bucket: "responses")))
        #expect(Tally.contributions(of: ["feel_safe": .text("very_safe")], form: Fixture.form, street: nil, area: nil)
            .contains(TallyKey(dimension: "all", question: "*", bucket: "responses")), "a form without consent counts every response")

        var tallies = Fixture.tallies()
        for key in keys { tallies[key, default: 0] += 1 }
        var doors = Fixture.doors
        doors.append(VisitFunnel.Door(address: "a7", outcomesOldestFirst: [.noAnswer, .refused, .declined]))
        doors.removeAll { $0.address == "a7" && $0.knocks == 2 }
        let aggregates = CampaignAggregates.compute(
            campaign: "c", name: "n", date: nil, forms: [form], tallies: tallies,
            funnels: VisitFunnel.compute(addresses: Fixture.walkList, doors: doors, respondedAddresses: Set(Fixture.rows.map(\.address)))
        )
        #expect(aggregates.responses == 10)
        #expect(aggregates.declined == 1)
        #expect(aggregates.streets.first { $0.name == "Acre Street" }?.declined == 1)
        #expect(aggregates.headline.safeguardingConcerns == 3, "the officer's concern still counts")
        #expect(aggregates.headline.consentQuestions == ["consent"])
        #expect(aggregates.funnel.declined == 1)
        #expect(aggregates.funnel.refused == 0)
        #expect(aggregates.funnel.answered == 12, "surveyed + declined + refused + revisits")
        #expect(VisitFunnel.Status(VisitFunnel.Door(address: "x", outcomesOldestFirst: [.declined]), hasResponse: true) == .declined)
        #expect(VisitFunnel.Status(VisitFunnel.Door(address: "x", outcomesOldestFirst: [.surveyed, .declined]), hasResponse: true) == .surveyed)
        #expect(aggregates.csv().contains("funnel,all,,,declined,,1,,"))
    }

    @Test("Breakdowns by street and area")
    func breakdowns() throws {
        let aggregates = Fixture.aggregates()
        #expect(aggregates.streets.map(\.name) == ["Acre Street", "Birch Road"])
        #expect(aggregates.streets.map(\.responses) == [6, 4])
        #expect(aggregates.streets.map(\.safeguardingConcerns) == [1, 1])
        #expect(aggregates.streets.map(\.followUps) == [3, 1])
        let acreFeel = try #require(aggregates.streets[0].questions.first { $0.name == "feel_safe" })
        #expect(acreFeel.choices.map(\.count) == [2, 3, 0, 1])
        #expect(acreFeel.answered == 6)
        let birchFeel = try #require(aggregates.streets[1].questions.first { $0.name == "feel_safe" })
        #expect(birchFeel.choices.map(\.count) == [1, 1, 1, 0])
        #expect(birchFeel.choices.map(\.percent) == [33.3, 33.3, 33.3, 0])
        #expect(aggregates.areas.map(\.name) == ["West End"])
        #expect(aggregates.areas[0].responses == 10)
        #expect(aggregates.areas[0].questions == aggregates.questions)
    }

    @Test("No responses: every figure zero, no percentages")
    func empty() throws {
        let aggregates = CampaignAggregates.compute(
            campaign: "c", name: "Empty", date: nil, forms: [Fixture.form], tallies: [:], funnels: [:]
        )
        #expect(aggregates.responses == 0)
        #expect(aggregates.funnel == .empty)
        let feel = try #require(aggregates.questions.first { $0.name == "feel_safe" })
        #expect(feel.answered == 0)
        #expect(feel.choices.allSatisfy { $0.count == 0 && $0.percent == nil })
        #expect(aggregates.questions.first { $0.name == "years" }?.summary?.n == 0)
        #expect(!aggregates.questions.contains { $0.name == "double_years" }, "a calculation with no numbers is left out")
    }

    @Test("Older form versions: dropped choices and questions still counted, newest labels used")
    func versions() throws {
        var old = Fixture.form
        old.version = "0"
        old.questions[1].choices.append(Choice(name: "dont_know", label: "Don't know"))
        old.questions[1].label = "Old label"
        old.questions.append(Question(name: "dog", type: .selectOne(list: "yn"), label: "Dog?", choices: [Choice(name: "yes", label: "Yes")]))
        var tallies = Fixture.tallies()
        for key in Tally.contributions(of: ["feel_safe": .text("dont_know"), "dog": .text("yes")], form: old, street: nil, area: nil) {
            tallies[key, default: 0] += 1
        }
        let aggregates = CampaignAggregates.compute(
            campaign: "c", name: "n", date: nil, forms: [old, Fixture.form], tallies: tallies, funnels: [:]
        )
        #expect(aggregates.formVersion == "1")
        let feel = try #require(aggregates.questions.first { $0.name == "feel_safe" })
        #expect(feel.label == "How safe do you feel after dark?")
        #expect(feel.choices.map(\.name).last == "dont_know")
        #expect(feel.choices.last?.count == 1)
        #expect(aggregates.questions.last?.name == "dog")
    }

    // MARK: Suppression

    @Test("Viewer, threshold 5: small counts hidden, with every figure that reveals them")
    func suppressionFive() throws {
        let aggregates = Fixture.aggregates().suppressed()
        #expect(aggregates.suppression == .init(applied: true, threshold: 5))
        #expect(aggregates.responses == 10)
        #expect(aggregates.headline.safeguardingConcerns == nil)
        #expect(aggregates.headline.followUps == nil)
        #expect(aggregates.headline.followUpsByAgency.allSatisfy { $0.count == nil && $0.percent == nil })

        let feel = try #require(aggregates.questions.first { $0.name == "feel_safe" })
        #expect(feel.answered == 9)
        #expect(feel.choices.allSatisfy { $0.count == nil && $0.percent == nil })

        let worries = try #require(aggregates.questions.first { $0.name == "worries" })
        #expect(worries.choices.map(\.count) == [7, nil, nil, nil])
        #expect(worries.choices.map(\.percent) == [77.8, nil, nil, nil])

        let years = try #require(aggregates.questions.first { $0.name == "years" })
        #expect(years.distribution.allSatisfy { $0.count == nil })
        #expect(years.summary == NumericSummary(n: 9, mean: nil, median: nil, min: nil, max: nil))

        // Birch Road's 4 responses are hidden; Acre Street's 6 would then give them away (10 - 6).
        #expect(aggregates.streets.map(\.responses) == [nil, nil])
        #expect(aggregates.streets.allSatisfy { street in street.questions.allSatisfy { $0.answered == nil } })
        #expect(aggregates.streets.map(\.funnel.addresses) == [8, 5], "doors on the list are not residents' answers")
        #expect(aggregates.streets.map(\.funnel.surveyed) == [nil, nil])

        // The funnel: refused 1, revisits 1 and no answer 1 are hidden; together they are 3 < 5,
        // so surveyed (10) is hidden too, and then answered (12 = 13 knocked - 1 no answer).
        #expect(aggregates.funnel.refused == nil)
        #expect(aggregates.funnel.revisits == nil)
        #expect(aggregates.funnel.noAnswer == nil)
        #expect(aggregates.funnel.surveyed == nil)
        #expect(aggregates.funnel.answered == nil)
        #expect(aggregates.funnel.knocked == 13)
        #expect(aggregates.funnel.addresses == 13)
    }

    @Test("Viewer, threshold 3: one more choice hidden so the hidden ones cannot be worked out")
    func secondarySuppression() throws {
        let aggregates = Fixture.aggregates(threshold: 3).suppressed()
        let feel = try #require(aggregates.questions.first { $0.name == "feel_safe" })
        // 3, 4, 1, 1 of 9: the two 1s are hidden (sum 2 < 3), so the 3 is hidden as well.
        #expect(feel.choices.map(\.count) == [nil, 4, nil, nil])
        #expect(feel.choices.map(\.percent) == [nil, 44.4, nil, nil])

        let years = try #require(aggregates.questions.first { $0.name == "years" })
        // 1:1, 2:3, 3:1, 4:1, 5:1, 7:1, 10:1: only the 3 twos stay, and the hidden values are left
        // out (their presence would tell someone gave them); mean hidden, median 3 hidden.
        #expect(years.distribution.map(\.name) == ["2"])
        #expect(years.distribution.map(\.count) == [3])
        #expect(years.summary == NumericSummary(n: 9, mean: nil, median: nil, min: nil, max: nil))

        // Streets 6 and 4 are both at least 3: shown.
        #expect(aggregates.streets.map(\.responses) == [6, 4])
        #expect(aggregates.headline.safeguardingConcerns == nil)
        #expect(aggregates.streets.map(\.safeguardingConcerns) == [nil, nil])
        #expect(aggregates.headline.followUps == 4)
        #expect(aggregates.headline.followUpsByAgency.map(\.count) == [3, nil, nil])
    }

    @Test("Suppression never leaves exactly one hidden cell in a group that adds up")
    func noLoneHiddenCell() {
        for threshold in 2...8 {
            let aggregates = Fixture.aggregates(threshold: threshold).suppressed()
            for question in aggregates.questions + aggregates.streets.flatMap(\.questions)
            where question.kind == "select_one" && question.answered != nil {
                let hidden = question.choices.filter { $0.count == nil }
                let hiddenTotal = (question.answered ?? 0) - question.choices.compactMap(\.count).reduce(0, +)
                #expect(hidden.count != 1 || hiddenTotal == 0, "\(question.name) at \(threshold)")
                #expect(hidden.isEmpty || hiddenTotal == 0 || hiddenTotal >= threshold, "\(question.name) at \(threshold)")
            }
        }
    }

    @Test("Organisers see everything: compute alone hides nothing")
    func organiserUnsuppressed() {
        let aggregates = Fixture.aggregates()
        #expect(aggregates.suppression.applied == false)
        #expect(aggregates.funnel.refused == 1)
        #expect(aggregates.headline.safeguardingConcerns == 2)
    }

    // MARK: Encodings

    @Test("JSON keys are snake_case and round-trip")
    func json() throws {
        let aggregates = Fixture.aggregates().suppressed()
        let data = try JSONEncoder().encode(aggregates)
        let text = String(decoding: data, as: UTF8.self)
        for key in ["\"form_version\"", "\"form_title\"", "\"safeguarding_concerns\"", "\"follow_ups_by_agency\"", "\"no_answer\""] {
            #expect(text.contains(key), "\(key)")
        }
        #expect(try JSONDecoder().decode(CampaignAggregates.self, from: data) == aggregates)
    }

    @Test("The CSV form holds the same figures, suppressed ones marked")
    func csv() throws {
        let records = CSV.parse(Fixture.aggregates(threshold: 3).suppressed().csv())
        #expect(records.first == CampaignAggregates.csvColumns)
        func find(_ section: String, _ dimension: String, _ question: String, _ item: String) -> [String]? {
            records.first { $0[0] == section && $0[1] == dimension && $0[2] == question && $0[4] == item }
        }
        #expect(find("choice", "all", "feel_safe", "fairly_safe")?[6...7] == ["4", "44.4"])
        #expect(find("choice", "all", "feel_safe", "very_safe")?[6...8] == ["", "", "suppressed"])
        #expect(find("funnel", "all", "", "knocked")?[6] == "13")
        #expect(find("responses", "street:Birch Road", "", "responses")?[6] == "4")
        #expect(find("summary", "all", "years", "n")?[6] == "9")
        #expect(find("follow_up", "all", "", "police")?[5...7] == ["Police", "3", "30"])
        #expect(records.allSatisfy { $0.count == CampaignAggregates.csvColumns.count })
        let unsuppressed = CSV.parse(Fixture.aggregates().csv())
        #expect(unsuppressed.first { $0[0] == "summary" && $0[1] == "all" && $0[2] == "years" && $0[4] == "mean" }?[6] == "4")
        #expect(!unsuppressed.contains { $0[8] == "suppressed" })

        // Completion by agency, in the organisers' copy only.
        var organisers = Fixture.aggregates()
        organisers.followUpCompletion = [FollowUpCompletion(agency: "fire", routed: 3, outcomes: ["contacted": 2, "none": 1])]
        let completion = CSV.parse(organisers.csv()).filter { $0[0] == "follow_up_outcome" }
        #expect(completion.map { [$0[1], $0[2], $0[4], $0[6]] } == [
            ["all", "fire", "routed", "3"], ["all", "fire", "contacted", "2"], ["all", "fire", "no-reply", "0"],
            ["all", "fire", "declined", "0"], ["all", "fire", "done", "0"], ["all", "fire", "purged", "0"], ["all", "fire", "none", "1"],
        ])
        #expect(!organisers.suppressed().csv().contains("follow_up_outcome"))
    }
}
