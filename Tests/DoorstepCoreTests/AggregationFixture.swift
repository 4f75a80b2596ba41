import DoorstepCore
import DoorstepWire
import Foundation

/// A small day of action whose figures are worked out by hand in the tests: 10 responses on two
/// streets of one area, 13 doors on the walk list.
enum AggregationFixture {
    static let form = FormDefinition(
        id: "safety", version: "1", title: "Feeling safe",
        questions: [
            Question(name: "intro", type: .note, label: "Introduce yourself."),
            Question(
                name: "feel_safe", type: .selectOne(list: "safe"), label: "How safe do you feel after dark?",
                group: "safety", choices: [
                    Choice(name: "very_safe", label: "Very safe"), Choice(name: "fairly_safe", label: "Fairly safe"),
                    Choice(name: "fairly_unsafe", label: "Fairly unsafe"), Choice(name: "very_unsafe", label: "Very unsafe"),
                ]
            ),
            Question(
                name: "worries", type: .selectMultiple(list: "worries"), label: "What worries you here?",
                choices: [
                    Choice(name: "drugs", label: "Drug dealing"), Choice(name: "asb", label: "Anti-social behaviour"),
                    Choice(name: "arson", label: "Bin fires"), Choice(name: "cuckooing", label: "Cuckooing"),
                ]
            ),
            Question(name: "years", type: .integer, label: "Years at this address"),
            Question(name: "comments", type: .text, label: "Anything else?"),
            Question(name: "name", type: .text, label: "Name", sensitive: true),
            Question(name: "phone", type: .integer, label: "Phone", sensitive: true),
            Question(
                name: "concern", type: .selectOne(list: "yn"), label: "Safeguarding concern?", safeguarding: true,
                choices: [Choice(name: "yes", label: "Yes"), Choice(name: "no", label: "No")]
            ),
            Question(
                name: "follow_up", type: .selectMultiple(list: "agencies"), label: "Who should follow up?",
                choices: [
                    Choice(name: "police", label: "Police"), Choice(name: "council", label: "Council"),
                    Choice(name: "fire", label: "Fire and rescue"), Choice(name: "none", label: "No one"),
                ]
            ),
            Question(name: "seen_on", type: .date, label: "When did you last see trouble?"),
            Question(name: "double_years", type: .calculate, label: "Twice the years", calculate: "${years} * 2"),
        ],
        choiceLists: [:],
        followUps: [
            FollowUpRoute(question: "follow_up", agencies: [("police", "police"), ("council", "council"), ("fire", "fire")]),
        ]
    )

    struct Row {
        var address: String
        var street: String
        var answers: Answers
    }

    /// r1…r6 on Acre Street (a1…a6), r7…r10 on Birch Road (b1…b4); all in the area West End.
    static let rows: [Row] = [
        Row(address: "a1", street: "Acre Street", answers: [
            "feel_safe": .text("very_safe"), "worries": .list(["drugs", "asb"]), "years": .integer(1),
            "concern": .text("no"), "follow_up": .list(["police"]), "comments": .text("Lovely, \"quiet\" street"),
            "name": .text("Ann Smith"), "phone": .integer(7700900123), "seen_on": .text("2026-10-03"),
            "double_years": .integer(2),
        ]),
        Row(address: "a2", street: "Acre Street", answers: [
            "feel_safe": .text("fairly_safe"), "worries": .list(["drugs"]), "years": .integer(2),
            "concern": .text("no"), "follow_up": .list(["none"]), "seen_on": .text("2026-10-20"),
        ]),
        Row(address: "a3", street: "Acre Street", answers: [
            "feel_safe": .text("fairly_safe"), "worries": .list(["asb"]), "years": .integer(2),
            "concern": .text("yes"), "follow_up": .list(["police", "council"]), "comments": .text("=HYPERLINK(\"x\")"),
            "seen_on": .text("2026-11-01"),
        ]),
        Row(address: "a4", street: "Acre Street", answers: [
            "feel_safe": .text("very_unsafe"), "worries": .list(["drugs", "arson"]), "years": .integer(10),
            "concern": .text("no"), "comments": .text("Line one\nline two"),
        ]),
        Row(address: "a5", street: "Acre Street", answers: ["feel_safe": .text("fairly_safe"), "worries": .list([])]),
        Row(address: "a6", street: "Acre Street", answers: [
            "feel_safe": .text("very_safe"), "worries": .list(["drugs"]), "years": .integer(5),
            "concern": .text("no"), "follow_up": .list(["fire"]),
        ]),
        Row(address: "b1", street: "Birch Road", answers: [
            "feel_safe": .text("fairly_unsafe"), "worries": .list(["drugs", "cuckooing"]), "years": .integer(3),
            "concern": .text("yes"), "follow_up": .list(["police"]),
        ]),
        Row(address: "b2", street: "Birch Road", answers: [
            "feel_safe": .text("fairly_safe"), "worries": .list(["asb"]), "years": .integer(4),
        ]),
        Row(address: "b3", street: "Birch Road", answers: [
            "feel_safe": .text("very_safe"), "worries": .list(["drugs"]), "years": .integer(2),
        ]),
        Row(address: "b4", street: "Birch Road", answers: ["worries": .list(["drugs"]), "years": .integer(7)]),
    ]

    static let area = "West End"

    /// The running tallies, as the server would hold them after storing every row.
    static func tallies(rows: [Row] = rows, form: FormDefinition = form) -> [TallyKey: Int] {
        var tallies: [TallyKey: Int] = [:]
        for row in rows {
            for key in Tally.contributions(of: row.answers, form: form, street: row.street, area: area) {
                tallies[key, default: 0] += 1
            }
        }
        return tallies
    }

    /// 13 doors: a1…a8 on Acre Street, b1…b5 on Birch Road.
    static let walkList: [WalkListAddress] =
        (1...8).map { WalkListAddress(id: "a\($0)", address: "\($0) Acre Street", street: "Acre Street", area: area) }
        + (1...5).map { WalkListAddress(id: "b\($0)", address: "\($0) Birch Road", street: "Birch Road", area: area) }

    /// a1 knocked twice (no answer, then surveyed), a2…a6 and b1…b3 surveyed, a7 no answer then
    /// refused, a8 refused then asked for a revisit (the latest knock decides), b4 never knocked
    /// but has a response, b5 a card left.
    static let doors: [VisitFunnel.Door] =
        [VisitFunnel.Door(address: "a1", outcomesOldestFirst: [.noAnswer, .surveyed])]
        + ["a2", "a3", "a4", "a5", "a6", "b1", "b2", "b3"].map {
            VisitFunnel.Door(address: $0, outcomesOldestFirst: [.surveyed])
        }
        + [
            VisitFunnel.Door(address: "a7", outcomesOldestFirst: [.noAnswer, .refused]),
            VisitFunnel.Door(address: "a8", outcomesOldestFirst: [.refused, .revisit]),
            VisitFunnel.Door(address: "b5", outcomesOldestFirst: [.cardLeft]),
        ]

    static func funnels() -> [String: VisitFunnel] {
        VisitFunnel.compute(addresses: walkList, doors: doors, respondedAddresses: Set(rows.map(\.address)))
    }

    static func aggregates(threshold: Int = 5) -> CampaignAggregates {
        CampaignAggregates.compute(
            campaign: "west-2026-11", name: "West End day of action", date: "2026-11-14", forms: [form],
            tallies: tallies(), funnels: funnels(), streetAreas: CampaignAggregates.streetAreas(of: walkList),
            threshold: threshold
        )
    }

    /// The rows as exported responses, with fixed ids.
    static func exported() -> [ExportedResponse] {
        rows.enumerated().map { index, row in
            ExportedResponse(
                id: UUID(uuidString: String(format: "00000000-0000-4000-8000-%012d", index + 1))!,
                campaign: "west-2026-11", address: row.address, form: "safety", formVersion: "1",
                recordedAt: "2026-11-14T10:\(String(format: "%02d", index)):00Z", device: "laptop-\(index % 2 + 1)",
                answers: row.answers
            )
        }
    }
}
