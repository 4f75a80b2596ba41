import DoorstepCore
import DoorstepWire
import DoorstepServer
import DoorstepTestSupport
import Foundation
import Testing

/// A real `doorstep-server` process, a viewer token trying every route, and snapshots published
/// from the command line and over HTTP.
@Suite("Viewers over loopback: published figures only")
struct ViewerDisclosureLiveTests {
    static let formYAML = """
        id: door-survey
        version: 1
        title: Door survey
        consent: consent
        questions:
          - name: consent
            type: select_one yes_no
            label: Happy to answer?
            required: true
          - name: safe
            type: select_one scale
            label: How safe do you feel?
            relevant: ${consent} = 'yes'
          - name: concern
            type: select_one yes_no
            label: Safeguarding concern?
            safeguarding: true
          - name: comment
            type: text
            label: Anything else?
        choices:
          yes_no:
            - {name: "yes", label: "Yes"}
            - {name: "no", label: "No"}
          scale:
            - {name: very, label: Very safe}
            - {name: fairly, label: Fairly safe}
            - {name: not, label: Not safe}
        """

    /// Doors on three streets: Acre Street and Birch Road in West, Cedar Close in East.
    static let walkList = """
        id,address,street,area
        \((1...12).map { "a\($0),\($0) Acre Street,Acre Street,West" }.joined(separator: "\n"))
        \((1...10).map { "b\($0),\($0) Birch Road,Birch Road,West" }.joined(separator: "\n"))
        \((1...4).map { "c\($0),\($0) Cedar Close,Cedar Close,East" }.joined(separator: "\n"))
        """

    static let campaign = "west-day"
    static let note = "Dog in the garden, come round the back"

    /// `count` responses starting at `first`: Acre and Birch doors answer; Cedar Close has two
    /// responses, one with a safeguarding concern, and one resident declines consent.
    static func operations(_ range: Range<Int>) -> [SyncOperation] {
        range.flatMap { index -> [SyncOperation] in
            let street = index % 9 == 4 ? "c" : (index % 2 == 0 ? "a" : "b")
            let declined = index == 7
            // The resident who declines is alone at their door (a12); others share doors a1-a10, b1-b10.
            let door = declined ? "a12" : "\(street)\(index % (street == "c" ? 4 : 10) + 1)"
            var answers: Answers = ["consent": .text(declined ? "no" : "yes"), "concern": .text(street == "c" ? "yes" : "no")]
            if !declined {
                answers["safe"] = .text(["very", "fairly", "fairly", "not"][index % 4])
                answers["comment"] = .text("Resident at \(door) says hello")
            }
            let stamp = Ops.stamp(Int64(index * 2), "pc-1")
            let create = Ops.create(
                UUID(), address: door, answers: answers, stamp: stamp, form: "door-survey", campaign: campaign
            )
            let knock = SyncOperation(
                stamp: Ops.stamp(Int64(index * 2 + 1), "pc-1"), device: "pc-1",
                body: .recordVisit(Visit(
                    visit: UUID(), campaign: campaign, address: door, outcome: declined ? .declined : .surveyed,
                    note: index == 3 ? note : nil, at: "2026-11-14T10:00:00Z"
                ))
            )
            return [create, knock]
        }
    }

    struct Tokens {
        var collector: String
        var organiser: String
        var viewer: String
    }

    static func prepare(_ directory: TemporaryDirectory) throws -> Tokens {
        let data = directory.path
        let form = try directory.write(formYAML, to: "form.yaml")
        let walk = try directory.write(walkList, to: "walk.csv")
        #expect(try ProcessRunner.server(["forms", "publish", "--data", data, form]).status == 0)
        let created = try ProcessRunner.server([
            "campaigns", "create", "--data", data, "--id", campaign, "--name", "West day", "--form", "door-survey",
            "--addresses", walk,
        ])
        #expect(created.status == 0, "\(created.stderr)")
        func token(_ role: String) throws -> String {
            let result = try ProcessRunner.server(["tokens", "create", "--data", data, "--role", role, "--name", "\(role)-1"])
            #expect(result.status == 0)
            return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return Tokens(collector: try token("collector"), organiser: try token("organiser"), viewer: try token("viewer"))
    }

    static func decode<T: Decodable>(_ type: T.Type, _ result: LiveServerTests.CurlResult) throws -> T {
        try JSONDecoder().decode(type, from: Data(result.body.utf8))
    }

    @Test func viewerGetsOnlyPublishedFiguresAndNoDoors() throws {
        let directory = try TemporaryDirectory("viewer-live")
        let tokens = try Self.prepare(directory)
        let server = try RunningServer(data: directory.path)
        let base = server.url + "/v1"
        func curl(_ method: String, _ path: String, _ token: String, body: String? = nil) throws -> LiveServerTests.CurlResult {
            try LiveServerTests.curl(method, base + path, token: token, bodyFile: body)
        }
        let first = try LiveServerTests.pushBody(Self.operations(0..<30), in: directory, name: "first.json")
        #expect(try curl("POST", "/push", tokens.collector, body: first).status == 200)

        // Before anything is published: no figures at all, and a clear JSON error.
        for path in ["/campaigns/\(Self.campaign)/aggregates", "/campaigns/\(Self.campaign)/report",
                     "/campaigns/\(Self.campaign)/aggregates?format=csv"] {
            let answer = try curl("GET", path, tokens.viewer)
            #expect(answer.status == 404, "\(path)")
            #expect(answer.body.contains(#""error":"not_published""#), "\(path): \(answer.body)")
        }
        #expect(try curl("POST", "/campaigns/\(Self.campaign)/report-link", tokens.viewer).status == 404)

        // Never doors, knocks, notes or answers, whatever the route.
        for (method, path) in [
            ("GET", "/pull?cursor=0"), ("GET", "/campaigns/\(Self.campaign)/export?format=csv"),
            ("GET", "/campaigns/\(Self.campaign)/export?format=json"), ("GET", "/conflicts"),
            ("GET", "/conflicts?campaign=\(Self.campaign)"), ("GET", "/audit"),
            ("POST", "/campaigns/\(Self.campaign)/snapshots"), ("GET", "/campaigns/\(Self.campaign)/snapshots"),
            ("GET", "/campaigns/\(Self.campaign)/progress"),
        ] {
            let answer = try curl(method, path, tokens.viewer)
            #expect(answer.status == 403, "\(method) \(path)")
            #expect(answer.body.contains(#""error":"forbidden""#), "\(method) \(path)")
            #expect(!answer.body.contains("a1") && !answer.body.contains(Self.note))
        }
        // The live view is for organisers: a collector is refused it too.
        #expect(try curl("GET", "/campaigns/\(Self.campaign)/progress", tokens.collector).status == 403)
        #expect(try curl("GET", "/campaigns/\(Self.campaign)/progress", tokens.organiser).status == 200)
        let campaigns = try curl("GET", "/campaigns", tokens.viewer)
        #expect(campaigns.status == 200)
        #expect(!campaigns.body.contains("Acre Street") && !campaigns.body.contains("\"a1\""), "no walk list")

        // An organiser publishes from the command line while the server runs.
        let published = try ProcessRunner.server(["campaigns", "publish", "--data", directory.path, Self.campaign])
        #expect(published.status == 0, "\(published.stderr)")
        #expect(published.stdout.hasPrefix("Published snapshot 1 of campaign \(Self.campaign):"))

        let live = try Self.decode(CampaignAggregates.self, try curl("GET", "/campaigns/\(Self.campaign)/aggregates", tokens.organiser))
        #expect(live.suppression.applied == false)
        #expect(live.declined == 1, "the resident without consent is declined")
        #expect(live.funnel.declined == 1)
        #expect(live.responses == 29)
        let viewed = try curl("GET", "/campaigns/\(Self.campaign)/aggregates", tokens.viewer)
        #expect(viewed.status == 200)
        #expect(!viewed.body.contains(Self.note) && !viewed.body.contains("Resident at"))
        let snapshot1 = try Self.decode(CampaignAggregates.self, viewed)
        #expect(snapshot1.suppression.applied)
        #expect(snapshot1.streets.first { $0.name == "Cedar Close" }?.responses == nil, "3 responses: hidden")
        #expect(SubtractionAttack.recovered(published: snapshot1, truth: live, streetAreas: CampaignAggregates.streetAreas(of: try WalkListCSV.parse(Self.walkList))).isEmpty)
        let organiserView = try Self.decode(
            CampaignAggregates.self, try curl("GET", "/campaigns/\(Self.campaign)/aggregates?snapshot=latest", tokens.organiser)
        )
        #expect(organiserView == snapshot1, "organisers can read what viewers see")

        let report = try curl("GET", "/campaigns/\(Self.campaign)/report", tokens.viewer)
        #expect(report.status == 200)
        #expect(report.body.contains("Small numbers are hidden in this copy."))
        #expect(!report.body.contains(Self.note) && !report.body.contains("Resident at"))
        let csv = try curl("GET", "/campaigns/\(Self.campaign)/aggregates?format=csv", tokens.viewer)
        #expect(csv.status == 200 && csv.body.contains("suppressed"))

        // One more sync: live figures move, the viewer's do not until the next publication.
        let second = try LiveServerTests.pushBody(Self.operations(30..<31), in: directory, name: "second.json")
        #expect(try curl("POST", "/push", tokens.collector, body: second).status == 200)
        let liveAfter = try Self.decode(CampaignAggregates.self, try curl("GET", "/campaigns/\(Self.campaign)/aggregates", tokens.organiser))
        #expect(liveAfter.responses == 30)
        #expect(try Self.decode(CampaignAggregates.self, try curl("GET", "/campaigns/\(Self.campaign)/aggregates", tokens.viewer)) == snapshot1)

        // Published again over HTTP, one response later: no shown figure moves by less than 5.
        let created = try curl("POST", "/campaigns/\(Self.campaign)/snapshots", tokens.organiser)
        #expect(created.status == 201, "\(created.body)")
        let summary = try Self.decode(SnapshotSummary.self, created)
        #expect(summary.number == 2 && summary.publishedBy == "organiser-1")
        let snapshot2 = try Self.decode(CampaignAggregates.self, try curl("GET", "/campaigns/\(Self.campaign)/aggregates", tokens.viewer))
        #expect(SubtractionAttack.smallChanges(from: snapshot1, to: snapshot2, threshold: 5).isEmpty)
        #expect(snapshot2.responses == nil, "29 → 30 would tell one response's answers")
        let list = try Self.decode([SnapshotSummary].self, try curl("GET", "/campaigns/\(Self.campaign)/snapshots", tokens.organiser))
        #expect(list.map(\.number) == [1, 2])

        #expect(server.stop() == 0)
    }
}
