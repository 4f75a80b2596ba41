import DoorstepCore
import DoorstepWire
@testable import DoorstepServer
import DoorstepTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// A known day through the real push path: 6 responses (4 on High Street in West, 2 on Mill Lane
/// in East) and a few knocks, so every figure can be worked out by hand.
struct ReportingDay {
    static let answers: [(address: String, answers: Answers)] = [
        ("a1", ["safe": .text("very"), "worries": .list(["drugs"]), "age": .integer(30), "comment": .text("Quiet, \"mostly\""), "phone": .text("07700 900001")]),
        ("a1", ["safe": .text("fairly"), "worries": .list(["drugs", "fires"]), "age": .integer(40)]),
        ("a2", ["safe": .text("very"), "worries": .list(["fires"]), "age": .integer(50), "phone": .text("07700 900002")]),
        ("a2", ["safe": .text("not"), "age": .integer(60), "comment": .text("=cmd()")]),
        ("a3", ["safe": .text("very"), "worries": .list(["drugs"])]),
        ("a3", ["safe": .text("fairly"), "age": .integer(20)]),
    ]

    let ids: [UUID] = (0..<answers.count).map { _ in UUID() }

    /// Pushes the responses and knocks with the collector's token.
    func push(with client: some TestClientProtocol, fixture: ServerFixture) async throws {
        var operations = zip(ids, Self.answers).enumerated().map { index, pair in
            Ops.create(pair.0, address: pair.1.address, answers: pair.1.answers, stamp: Ops.stamp(Int64(index), "laptop-1"))
        }
        operations += [
            Ops.visit(address: "a1", outcome: .surveyed, stamp: Ops.stamp(100, "laptop-1")),
            Ops.visit(address: "a2", outcome: .noAnswer, stamp: Ops.stamp(101, "laptop-1")),
            Ops.visit(address: "a2", outcome: .surveyed, stamp: Ops.stamp(102, "laptop-1")),
            Ops.visit(address: "a3", outcome: .refused, stamp: Ops.stamp(103, "laptop-1")),
        ]
        let result = try await client.push(operations, token: fixture.token(.collector))
        #expect(result.results.allSatisfy { $0.status == .applied })
    }
}

@Suite("Reporting endpoints: aggregates, exports, audit, report")
struct ReportingTests {
    // MARK: Aggregates

    @Test("Aggregates from the tallies equal the hand-computed figures")
    func aggregatesByHand() async throws {
        let fixture = try ServerFixture()
        let day = ReportingDay()
        try await fixture.app.test(.router) { client in
            try await day.push(with: client, fixture: fixture)
            let response = try await client.send(.get, "/v1/campaigns/day1/aggregates", token: fixture.token(.organiser))
            #expect(response.status == .ok)
            let figures = try response.decode(CampaignAggregates.self)
            #expect(figures.responses == 6)
            #expect(figures.suppression == .init(applied: false, threshold: 5))
            let safe = try #require(figures.questions.first { $0.name == "safe" })
            #expect(safe.answered == 6)
            #expect(safe.choices.map(\.count) == [3, 2, 1])
            #expect(safe.choices.map(\.percent) == [50, 33.3, 16.7])
            let worries = try #require(figures.questions.first { $0.name == "worries" })
            #expect(worries.answered == 4)
            #expect(worries.choices.map(\.count) == [3, 2])
            let age = try #require(figures.questions.first { $0.name == "age" })
            #expect(age.summary == NumericSummary(n: 5, mean: 40, median: 40, min: 20, max: 60))
            #expect(!figures.questions.contains { $0.name == "comment" || $0.name == "phone" })
            // a1 surveyed, a2 surveyed (after no answer), a3 refused.
            #expect(figures.funnel == VisitFunnel(
                addresses: 3, knocked: 3, answered: 3, surveyed: 2, refused: 1, revisits: 0, noAnswer: 0, visits: 4
            ))
            #expect(figures.streets.map(\.name) == ["High Street", "Mill Lane"])
            #expect(figures.streets.map(\.responses) == [4, 2])
            #expect(figures.areas.map(\.name) == ["East", "West"])
            #expect(figures.areas.map(\.responses) == [2, 4])

            // An erased (all) response leaves the figures at once.
            _ = try await client.push([Ops.erase(day.ids[3], scope: .all, stamp: Ops.stamp(200, "laptop-1"))], token: fixture.token(.collector))
            let after = try await client.send(.get, "/v1/campaigns/day1/aggregates", token: fixture.token(.organiser))
                .decode(CampaignAggregates.self)
            #expect(after.responses == 5)
            #expect(after.questions.first { $0.name == "safe" }?.choices.map(\.count) == [3, 2, 0])
        }
    }

    @Test("A viewer gets the published snapshot, small counts suppressed (null in JSON), never live figures")
    func viewerSuppressed() async throws {
        let fixture = try ServerFixture()
        try await fixture.app.test(.router) { client in
            try await ReportingDay().push(with: client, fixture: fixture)
            let before = try await client.send(.get, "/v1/campaigns/day1/aggregates", token: fixture.token(.viewer))
            #expect(before.status == .notFound)
            #expect(before.errorBody?.error == "not_published")
            let published = try await client.send(.post, "/v1/campaigns/day1/snapshots", token: fixture.token(.organiser))
            #expect(published.status == .created)
            #expect(try published.decode(SnapshotSummary.self).number == 1)
            let audit = try await client.send(.get, "/v1/audit", token: fixture.token(.admin)).decode([AuditEntry].self)
            #expect(audit.first?.action == "publish")

            let response = try await client.send(.get, "/v1/campaigns/day1/aggregates", token: fixture.token(.viewer))
            #expect(response.status == .ok)
            let text = String(buffer: response.body)
            #expect(text.contains(#""count":null"#))
            let figures = try response.decode(CampaignAggregates.self)
            #expect(figures.suppression.applied)
            #expect(figures.responses == 6)
            // Every choice count of "safe" (3, 2, 1) is below 5.
            #expect(figures.questions.first { $0.name == "safe" }?.choices.allSatisfy { $0.count == nil } == true)
            #expect(figures.streets.allSatisfy { $0.responses == nil })
            #expect(figures == (try await fixture.database.aggregates(campaign: "day1")).suppressed())

            // A later push changes the live figures, not the viewer's.
            _ = try await client.push([
                Ops.create(UUID(), address: "a3", answers: ["safe": .text("very")], stamp: Ops.stamp(900, "laptop-1")),
            ], token: fixture.token(.collector))
            let again = try await client.send(.get, "/v1/campaigns/day1/aggregates", token: fixture.token(.viewer))
            #expect(try again.decode(CampaignAggregates.self) == figures)
            let live = try await client.send(.get, "/v1/campaigns/day1/aggregates", token: fixture.token(.organiser))
            #expect(try live.decode(CampaignAggregates.self).responses == 7)
            let latest = try await client.send(.get, "/v1/campaigns/day1/aggregates?snapshot=latest", token: fixture.token(.organiser))
            #expect(try latest.decode(CampaignAggregates.self) == figures)
        }
    }

    @Test("Aggregates as CSV: one figure per row")
    func aggregatesCSV() async throws {
        let fixture = try ServerFixture()
        try await fixture.app.test(.router) { client in
            try await ReportingDay().push(with: client, fixture: fixture)
            let response = try await client.send(.get, "/v1/campaigns/day1/aggregates?format=csv", token: fixture.token(.admin))
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(response.headers[.contentDisposition] == #"attachment; filename="day1-aggregates.csv""#)
            let records = CSV.parse(String(buffer: response.body))
            #expect(records.first == CampaignAggregates.csvColumns)
            #expect(records.contains(["choice", "all", "safe", "How safe do you feel?", "very", "Very safe", "3", "50", ""]))
            #expect(records.contains(["responses", "street:High Street", "", "", "responses", "", "4", "", ""]))
        }
    }

    // MARK: Roles and errors

    @Test("Who may call what")
    func roles() async throws {
        let fixture = try ServerFixture()
        try fixture.database.publishSnapshot(campaign: "day1")
        try await fixture.app.test(.router) { client in
            let allowed: [(String, HTTPRequest.Method, Set<Role>)] = [
                ("/v1/campaigns/day1/snapshots", .post, [.organiser, .admin]),
                ("/v1/campaigns/day1/snapshots", .get, [.organiser, .admin]),
                ("/v1/pull", .get, [.collector, .organiser, .admin]),
                ("/v1/conflicts", .get, [.organiser, .admin]),
                ("/v1/campaigns/day1/aggregates", .get, [.organiser, .viewer, .admin]),
                ("/v1/campaigns/day1/aggregates?format=csv", .get, [.organiser, .viewer, .admin]),
                ("/v1/campaigns/day1/export?format=csv", .get, [.organiser, .admin]),
                ("/v1/campaigns/day1/export?format=json", .get, [.organiser, .admin]),
                ("/v1/audit", .get, [.admin]),
                ("/v1/campaigns/day1/report", .get, [.organiser, .viewer, .admin]),
                ("/v1/campaigns/day1/report-link", .post, [.organiser, .viewer, .admin]),
                ("/v1/campaigns/day1/progress", .get, [.organiser, .admin]),
                ("/v1/campaigns/day1/live-link", .post, [.organiser, .admin]),
            ]
            for (uri, method, roles) in allowed {
                for role in Role.allCases {
                    let response = try await client.send(method, uri, token: fixture.token(role))
                    if roles.contains(role) {
                        #expect([.ok, .created].contains(response.status), "\(role) \(uri)")
                    } else {
                        #expect(response.status == .forbidden, "\(role) \(uri)")
                        #expect(response.errorBody?.error == "forbidden")
                    }
                }
                let anonymous = try await client.send(method, uri, token: nil)
                #expect(anonymous.status == .unauthorized, "\(uri)")
            }
        }
    }

    @Test("Unknown campaigns are 404, unknown formats 400, each a JSON error")
    func errors() async throws {
        let fixture = try ServerFixture()
        try await fixture.app.test(.router) { client in
            let organiser = fixture.token(.organiser)
            for uri in [
                "/v1/campaigns/nope/aggregates", "/v1/campaigns/nope/export", "/v1/campaigns/nope/report",
                "/v1/campaigns/day1/report?compare=nope",
            ] {
                let response = try await client.send(.get, uri, token: organiser)
                #expect(response.status == .notFound, "\(uri)")
                #expect(response.errorBody?.error == "not_found")
            }
            #expect(try await client.send(.post, "/v1/campaigns/nope/report-link", token: organiser).status == .notFound)
            #expect(try fixture.count("audit_log") == 0, "a failed export is not audited")
            for uri in ["/v1/campaigns/day1/aggregates?format=xml", "/v1/campaigns/day1/export?format=xlsx", "/v1/audit?limit=0"] {
                let response = try await client.send(.get, uri, token: fixture.token(.admin))
                #expect(response.status == .badRequest, "\(uri)")
                #expect(response.errorBody?.error == "bad_request")
            }
        }
    }

    // MARK: Exports and the audit log

    @Test("The CSV export parsed back gives what was pushed, erasures applied, and is audited")
    func exportCSV() async throws {
        let fixture = try ServerFixture()
        let day = ReportingDay()
        try await fixture.app.test(.router) { client in
            try await day.push(with: client, fixture: fixture)
            _ = try await client.push([
                Ops.erase(day.ids[0], scope: .sensitive, stamp: Ops.stamp(300, "laptop-1")),
                Ops.erase(day.ids[5], scope: .all, stamp: Ops.stamp(301, "laptop-1")),
            ], token: fixture.token(.collector))

            let response = try await client.send(.get, "/v1/campaigns/day1/export?format=csv", token: fixture.token(.organiser))
            #expect(response.status == .ok)
            #expect(response.headers[.contentDisposition] == #"attachment; filename="day1-responses.csv""#)
            let records = CSV.parse(String(buffer: response.body))
            let header = try #require(records.first)
            #expect(header == [
                "id", "campaign", "address", "form", "form_version", "recorded_at", "device",
                "safe", "worries", "worries/drugs", "worries/fires", "age", "comment", "phone",
            ])
            let rows = records.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
            #expect(rows.count == 5, "the wholly erased response is not exported")
            let byID = Dictionary(uniqueKeysWithValues: rows.map { ($0["id"] ?? "", $0) })
            for (index, id) in day.ids.enumerated() where index != 5 {
                let row = try #require(byID[id.uuidString.lowercased()])
                let pushed = ReportingDay.answers[index]
                #expect(row["campaign"] == "day1")
                #expect(row["address"] == pushed.address)
                #expect(row["form"] == "survey")
                #expect(row["form_version"] == "1")
                #expect(row["device"] == "laptop-1")
                for name in ["safe", "worries", "age", "comment"] {
                    #expect(row[name] == pushed.answers[name].map { CSV.inert($0.description) } ?? "", "\(name) of \(index)")
                }
            }
            let first = try #require(byID[day.ids[0].uuidString.lowercased()])
            #expect(first["phone"] == "", "the sensitive erasure removed the phone number")
            #expect(first["comment"] == "Quiet, \"mostly\"")
            #expect(first["worries/drugs"] == "1")
            #expect(first["worries/fires"] == "0")
            #expect(byID[day.ids[2].uuidString.lowercased()]?["phone"] == "07700 900002")
            #expect(byID[day.ids[3].uuidString.lowercased()]?["comment"] == "'=cmd()")
            #expect(byID[day.ids[3].uuidString.lowercased()]?["worries/drugs"] == "")

            let audit = try await client.send(.get, "/v1/audit", token: fixture.token(.admin)).decode([AuditEntry].self)
            #expect(audit.count == 1)
            #expect(audit.first?.tokenName == "organiser-1")
            #expect(audit.first?.role == "organiser")
            #expect(audit.first?.action == "export")
            #expect(audit.first?.campaign == "day1")
            #expect(audit.first?.detail == "Raw responses as CSV: 5 responses.")
            #expect(audit.first.map { ISO8601DateFormatter().date(from: $0.at) != nil } == true)
        }
    }

    @Test("The JSON export decodes to the responses; large exports come in pages, each response once")
    func exportJSONPaged() async throws {
        let fixture = try ServerFixture()
        try await fixture.app.test(.router) { client in
            let count = ReportingController.exportPageSize * 2 + 37
            var ids: [UUID] = []
            var operations: [SyncOperation] = []
            for index in 0..<count {
                let id = UUID()
                ids.append(id)
                operations.append(Ops.create(
                    id, address: ["a1", "a2", "a3"][index % 3], answers: ["safe": .text("fairly"), "age": .integer(index % 90)],
                    stamp: Ops.stamp(Int64(index), "laptop-2")
                ))
            }
            _ = try await client.push(operations, token: fixture.token(.organiser))
            let response = try await client.send(.get, "/v1/campaigns/day1/export?format=json", token: fixture.token(.admin))
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json; charset=utf-8")
            let exported = try response.decode([ExportedResponse].self)
            #expect(exported.count == count)
            #expect(Set(exported.map(\.id)) == Set(ids))
            #expect(exported.allSatisfy { $0.answers["safe"] == .text("fairly") })

            let csv = try await client.send(.get, "/v1/campaigns/day1/export", token: fixture.token(.organiser))
            #expect(CSV.parse(String(buffer: csv.body)).count == count + 1, "csv is the default")
            let audit = try await client.send(.get, "/v1/audit?limit=1", token: fixture.token(.admin)).decode([AuditEntry].self)
            #expect(audit.count == 1)
            #expect(audit.first?.detail == "Raw responses as CSV: \(count) responses.")
            let older = try await client.send(.get, "/v1/audit?before=\(audit[0].id)", token: fixture.token(.admin)).decode([AuditEntry].self)
            #expect(older.map(\.detail) == ["Raw responses as JSON: \(count) responses."])
        }
    }

    @Test("An empty campaign exports a header only, or an empty array")
    func exportEmpty() async throws {
        let fixture = try ServerFixture()
        try await fixture.app.test(.router) { client in
            let csv = try await client.send(.get, "/v1/campaigns/day1/export?format=csv", token: fixture.token(.organiser))
            #expect(CSV.parse(String(buffer: csv.body)).count == 1)
            let json = try await client.send(.get, "/v1/campaigns/day1/export?format=json", token: fixture.token(.organiser))
            #expect(try json.decode([ExportedResponse].self).isEmpty)
        }
    }

    // MARK: The report

    @Test("The report is self-contained HTML with the figures; a viewer's is the suppressed snapshot")
    func report() async throws {
        let fixture = try ServerFixture()
        try await fixture.app.test(.router) { client in
            try await ReportingDay().push(with: client, fixture: fixture)
            try fixture.database.publishSnapshot(campaign: "day1")
            let response = try await client.send(.get, "/v1/campaigns/day1/report", token: fixture.token(.organiser))
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/html; charset=utf-8")
            #expect(response.headers[.contentSecurityPolicy]?.hasPrefix("default-src 'none'") == true)
            #expect(response.headers[.cacheControl] == "no-store")
            let html = String(buffer: response.body)
            #expect(html.hasPrefix("<!DOCTYPE html>"))
            #expect(html.contains("Very safe: 3 (50%); Fairly safe: 2 (33.3%); Not safe: 1 (16.7%)."))
            #expect(!html.contains("07700"))
            #expect(!html.lowercased().contains("<script"))

            let viewer = String(buffer: try await client.send(.get, "/v1/campaigns/day1/report", token: fixture.token(.viewer)).body)
            #expect(viewer.contains("Small numbers are hidden in this copy."))
            #expect(viewer.contains("Very safe: hidden; Fairly safe: hidden; Not safe: hidden."))
            #expect(!viewer.contains("3 (50%)"))
        }
    }

    @Test("A walk list with locations gives the report a map: doors for organisers, streets only for viewers; the shading is checked")
    func map() async throws {
        let fixture = try ServerFixture()
        let walkList = try WalkListCSV.parse("""
            id,address,street,area,easting,northing
            m1,1 High Street,High Street,West,449300,520600
            m2,2 High Street,High Street,West,449320,520600
            m3,3 Mill Lane,Mill Lane,East,449300,520500
            m4,Unmapped Cottage,Mill Lane,East,,
            """)
        try fixture.database.createCampaign(id: "mapped", name: "Mapped day", form: "survey", addresses: walkList)
        try await fixture.app.test(.router) { client in
            let pushed = try await client.push([
                Ops.create(UUID(), address: "m1", answers: ["safe": .text("very")], stamp: Ops.stamp(0, "d"), campaign: "mapped"),
                Ops.visit(campaign: "mapped", address: "m1", outcome: .surveyed, stamp: Ops.stamp(1, "d")),
                Ops.visit(campaign: "mapped", address: "m3", outcome: .refused, stamp: Ops.stamp(2, "d")),
            ], token: fixture.token(.collector))
            #expect(pushed.results.allSatisfy { $0.status == .applied })
            let figures = try await fixture.database.aggregates(campaign: "mapped")
            let map = try #require(figures.map)
            #expect(map.system == "easting/northing")
            #expect(map.doors.map(\.status) == ["surveyed", "not_knocked", "refused"])
            #expect(map.doors[1].east - map.doors[0].east == 20)

            let organiser = String(buffer: try await client.send(.get, "/v1/campaigns/mapped/report", token: fixture.token(.organiser)).body)
            #expect(organiser.contains("<h3>Where the doors are</h3>"))
            #expect(organiser.contains(#"data-status="refused""#))
            let shaded = try await client.send(.get, "/v1/campaigns/mapped/report?map=safe:very", token: fixture.token(.organiser))
            #expect(shaded.status == .ok)
            #expect(String(buffer: shaded.body).contains("Share answering “Very safe”"))
            for (query, message) in [
                ("map=safe", "The map parameter must be QUESTION:CHOICE"),
                ("map=safe:never", "Question safe has no choice never"),
                ("map=comment:x", "The map cannot be shaded by comment"),
            ] {
                let refused = try await client.send(.get, "/v1/campaigns/mapped/report?\(query)", token: fixture.token(.organiser))
                #expect(refused.status == .badRequest, "\(query)")
                #expect(String(buffer: refused.body).contains(message), "\(query)")
            }

            try fixture.database.publishSnapshot(campaign: "mapped")
            let viewer = String(buffer: try await client.send(.get, "/v1/campaigns/mapped/report", token: fixture.token(.viewer)).body)
            #expect(viewer.contains("<h3>Where the doors are</h3>"))
            #expect(!viewer.contains("data-status="), "viewers read figures, not doors")
            #expect(viewer.contains("Doors are not shown in this copy."))
            let snapshot = String(buffer: try await client.send(.get, "/v1/campaigns/mapped/aggregates", token: fixture.token(.viewer)).body)
            #expect(snapshot.contains(#""doors":[]"#))
        }
    }

    @Test("An organiser may ask the report to list what residents typed (never a sensitive answer); a viewer may not; it is audited")
    func freeText() async throws {
        let fixture = try ServerFixture()
        try await fixture.app.test(.router) { client in
            try await ReportingDay().push(with: client, fixture: fixture)
            try fixture.database.publishSnapshot(campaign: "day1")
            let plain = String(buffer: try await client.send(.get, "/v1/campaigns/day1/report", token: fixture.token(.organiser)).body)
            // Without the list, only counts: two answers, each typed by one resident, never named.
            #expect(plain.contains("2 other answers, each given by fewer than 5 residents."))
            #expect(!plain.contains("mostly") && !plain.contains("cmd()"))
            let figures = try await client.send(.get, "/v1/campaigns/day1/aggregates", token: fixture.token(.organiser))
                .decode(CampaignAggregates.self)
            #expect(figures.texts.map(\.name) == ["comment"])
            #expect(figures.texts.first?.answered == 2 && figures.texts.first?.values.isEmpty == true)
            let viewer = String(buffer: try await client.send(.get, "/v1/campaigns/day1/report", token: fixture.token(.viewer)).body)
            #expect(viewer.contains("Other answers, each given by fewer than 5 residents: <span class=\"hidden-value\">hidden</span>."))

            let response = try await client.send(.get, "/v1/campaigns/day1/report?text=include", token: fixture.token(.organiser))
            #expect(response.status == .ok)
            let html = String(buffer: response.body)
            #expect(html.contains("<h2>What residents wrote</h2>"))
            #expect(html.contains("<h3>Anything else?</h3>"))
            #expect(html.contains("As typed: 2 answers"))
            #expect(html.contains("<li>Quiet, &quot;mostly&quot;</li>"))
            #expect(html.contains("<li>=cmd()</li>"))
            #expect(!html.contains("07700"), "a sensitive answer is never listed")
            #expect(!html.lowercased().contains("<script"))

            #expect(try await client.send(.get, "/v1/campaigns/day1/report?text=include", token: fixture.token(.viewer)).status == .forbidden)
            #expect(try await client.send(.get, "/v1/campaigns/day1/report?text=yes", token: fixture.token(.organiser)).status == .badRequest)
            #expect(try await client.send(
                .get, "/v1/campaigns/day1/report?text=include&snapshot=latest", token: fixture.token(.organiser)
            ).status == .badRequest)
            let audit = String(buffer: try await client.send(.get, "/v1/audit", token: fixture.token(.admin)).body)
            #expect(audit.contains("figures and free-text answers"))
        }
    }

    @Test("A comparison of two campaigns of the same form")
    func comparison() async throws {
        let fixture = try ServerFixture()
        try fixture.database.createCampaign(
            id: "day2", name: "Second day", form: "survey", addresses: [
                WalkListAddress(id: "a1", address: "1 High Street", street: "High Street", area: "West"),
            ]
        )
        try await fixture.app.test(.router) { client in
            try await ReportingDay().push(with: client, fixture: fixture)
            _ = try await client.push([
                Ops.create(UUID(), address: "a1", answers: ["safe": .text("very")], stamp: Ops.stamp(500, "laptop-1"), campaign: "day2"),
            ], token: fixture.token(.collector))
            let response = try await client.send(.get, "/v1/campaigns/day1/report?compare=day2", token: fixture.token(.organiser))
            #expect(response.status == .ok)
            let html = String(buffer: response.body)
            #expect(html.contains("<h1>Second day compared with Day of action</h1>"))
            #expect(html.contains("<tr><th scope=\"row\">Responses recorded</th><td>6</td><td>1</td><td>\u{2212}5</td></tr>"))
        }
    }

    @Test("A signed report link works without a token, for ten minutes, until its token is revoked")
    func signedLink() async throws {
        let fixture = try ServerFixture()
        try await fixture.app.test(.router) { client in
            try await ReportingDay().push(with: client, fixture: fixture)
            try fixture.database.publishSnapshot(campaign: "day1")
            struct Link: Decodable { var url: String; var expires_at: String }
            let created = try await client.send(.post, "/v1/campaigns/day1/report-link", token: fixture.token(.viewer))
            #expect(created.status == .created)
            let link = try created.decode(Link.self)
            #expect(link.url.hasPrefix("/r?link="))
            #expect(!link.url.contains(fixture.token(.viewer)))
            let expiry = try #require(ISO8601DateFormatter().date(from: link.expires_at))
            #expect(expiry.timeIntervalSinceNow > 540 && expiry.timeIntervalSinceNow <= 600)

            let page = try await client.send(.get, link.url, token: nil)
            #expect(page.status == .ok)
            let html = String(buffer: page.body)
            #expect(html.contains("Small numbers are hidden in this copy."), "a viewer's link shows a viewer's report")

            // Tampered: another campaign's name in the payload, or a changed signature.
            let text = String(link.url.dropFirst("/r?link=".count))
            let parts = text.split(separator: ".")
            let forged = ReportLinks.base64URL(Data(#"{"c":"day1","r":"organiser","t":"x","e":9999999999}"#.utf8)) + "." + parts[1]
            for bad in ["/r?link=\(forged)", "/r?link=\(parts[0]).AAAA", "/r", "/r?link=garbage"] {
                let response = try await client.send(.get, bad, token: nil)
                #expect(response.status == .unauthorized, "\(bad)")
                #expect(response.errorBody?.error == "unauthorized")
            }

            // Expired: signed with the store's secret, but an hour ago.
            let links = try ReportLinks(database: fixture.database)
            let identity = try #require(try await fixture.database.identity(forToken: fixture.token(.organiser)))
            let old = try links.sign(.init(
                campaign: "day1", compare: nil, role: .organiser, tokenID: identity.tokenID,
                expires: Int64(Date().timeIntervalSince1970) - 3_600
            ))
            let expired = try await client.send(.get, "/r?link=\(old)", token: nil)
            #expect(expired.status == .unauthorized)
            #expect(expired.errorBody?.message.contains("expired") == true)

            // Revoked: the link dies with the token that asked for it.
            #expect(try fixture.database.revokeToken(fixture.token(.viewer)))
            #expect(try await client.send(.get, link.url, token: nil).status == .unauthorized)
        }
    }

    @Test("The report and its link label questions and choices in a language of the form; one it lacks is 400 naming those it has")
    func reportInALanguageOfTheForm() async throws {
        let fixture = try ServerFixture()
        try fixture.database.publishForm(source: """
            id: survey
            version: 2
            title: Test survey
            default_language: en
            languages:
              - code: en
                name: English
              - code: cy
                name: Cymraeg
            questions:
              - name: safe
                type: select_one scale
                label: {en: How safe do you feel?, cy: Pa mor ddiogel ydych chi'n teimlo?}
                required: true
            choices:
              scale:
                - name: very
                  label: {en: Very safe, cy: Diogel iawn}
                - name: fairly
                  label: {en: Fairly safe, cy: Gweddol ddiogel}
                - name: not
                  label: {en: Not safe, cy: Ddim yn ddiogel}
            """)
        try await fixture.app.test(.router) { client in
            _ = try await client.push([
                Ops.create(UUID(), answers: ["safe": .text("very")], stamp: Ops.stamp(0, "laptop-a"), version: "2"),
            ], token: fixture.token(.collector))
            let organiser = fixture.token(.organiser)
            let welsh = String(buffer: try await client.send(.get, "/v1/campaigns/day1/report?language=cy", token: organiser).body)
            #expect(welsh.contains("Pa mor ddiogel ydych chi&#39;n teimlo?") || welsh.contains("Pa mor ddiogel ydych chi'n teimlo?"))
            #expect(welsh.contains("Diogel iawn"))
            let english = String(buffer: try await client.send(.get, "/v1/campaigns/day1/report", token: organiser).body)
            #expect(english.contains("Very safe") && !english.contains("Diogel iawn"))

            let french = try await client.send(.get, "/v1/campaigns/day1/report?language=fr", token: organiser)
            #expect(french.status == .badRequest)
            #expect(french.errorBody?.message == "Campaign day1's form has no language 'fr'; it has Cymraeg (cy), English (en).")
            #expect(try await client.send(.post, "/v1/campaigns/day1/report-link?language=fr", token: organiser).status == .badRequest)

            let created = try await client.send(.post, "/v1/campaigns/day1/report-link?language=cy", token: organiser)
            let link = try created.decode(ReportingController.ReportLink.self)
            #expect(String(buffer: try await client.send(.get, link.url, token: nil).body).contains("Diogel iawn"))

            // A viewer's report is the published snapshot, in the language asked for too; a collector gets none.
            #expect(try await client.send(.post, "/v1/campaigns/day1/snapshots", token: organiser).status == .created)
            let viewer = try await client.send(.get, "/v1/campaigns/day1/report?language=cy", token: fixture.token(.viewer))
            #expect(viewer.status == .ok)
            #expect(String(buffer: viewer.body).contains("Diogel iawn"))
            #expect(try await client.send(.get, "/v1/campaigns/day1/report?language=cy", token: fixture.token(.collector)).status == .forbidden)
        }
    }
}
