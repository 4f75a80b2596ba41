import DoorstepCore
import DoorstepWire
import DoorstepServer
import DoorstepTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Endpoints, roles and errors")
struct APITests {
    @Test func healthNeedsNoToken() async throws {
        let fixture = try ServerFixture()
        try await fixture.app.test(.router) { client in
            let response = try await client.send(.get, "/healthz", token: nil)
            #expect(response.status == .ok)
            #expect(try response.decode([String: String].self) == ["status": "ok"])
        }
    }

    @Test func unknownRouteIsJSON404() async throws {
        let fixture = try ServerFixture()
        try await fixture.app.test(.router) { client in
            let response = try await client.send(.get, "/v2/nothing", token: nil)
            #expect(response.status == .notFound)
            #expect(response.errorBody?.error == "not_found")
        }
    }

    @Test("A served path asked with another method gets 405 naming the methods in Allow")
    func wrongMethodIs405() async throws {
        let fixture = try ServerFixture()
        try await fixture.app.test(.router) { client in
            for (method, uri, allowed) in [
                (HTTPRequest.Method.delete, "/v1/whoami", "GET"), (.get, "/v1/push", "POST"), (.put, "/healthz", "GET"),
                (.patch, "/v1/campaigns/day1/snapshots", "GET, POST"), (.get, "/v1/conflicts/abc/resolve/", "POST"),
            ] {
                let response = try await client.send(method, uri, token: fixture.token(.admin))
                #expect(response.status == .methodNotAllowed, "\(method) \(uri)")
                #expect(response.errorBody?.error == "method_not_allowed", "\(method) \(uri)")
                #expect(response.headers[.allow] == allowed, "\(method) \(uri)")
            }
            // A path no route serves stays 404, whatever the method
            #expect(try await client.send(.delete, "/v1/campaigns/day1", token: fixture.token(.admin)).status == .notFound)
        }
    }

    @Test func missingMalformedUnknownAndRevokedTokensGet401() async throws {
        let fixture = try ServerFixture()
        try await fixture.app.test(.router) { client in
            var headers = HTTPFields()
            for value in ["Basic abc", "Bearer", "Bearer dst_unknown"] {
                headers[.authorization] = value
                let response = try await client.execute(uri: "/v1/whoami", method: .get, headers: headers)
                #expect(response.status == .unauthorized)
                #expect(response.errorBody?.error == "unauthorized")
            }
            let missing = try await client.send(.get, "/v1/whoami", token: nil)
            #expect(missing.status == .unauthorized)

            // Given a token that works, when it is revoked, then it stops working at once.
            let token = fixture.token(.collector)
            #expect(try await client.send(.get, "/v1/whoami", token: token).status == .ok)
            #expect(try fixture.database.revokeToken(token))
            let revoked = try await client.send(.get, "/v1/whoami", token: token)
            #expect(revoked.status == .unauthorized)
            #expect(revoked.errorBody?.message.contains("revoked") == true)
        }
    }

    @Test(arguments: Role.allCases)
    func whoamiNamesTheToken(role: Role) async throws {
        let fixture = try ServerFixture()
        try await fixture.app.test(.router) { client in
            let response = try await client.send(.get, "/v1/whoami", token: fixture.token(role))
            #expect(response.status == .ok)
            struct WhoAmI: Decodable { var name: String; var role: String; var epoch: String; var server_time: String }
            let body = try response.decode(WhoAmI.self)
            #expect(body.name == "\(role.rawValue)-1")
            #expect(body.role == role.rawValue)
            #expect(body.epoch == (try fixture.database.epoch()))
            #expect(HLCTimestamp(body.server_time) != nil)
        }
    }

    @Test(arguments: Role.allCases)
    func formsAndCampaignsForEveryRole(role: Role) async throws {
        let fixture = try ServerFixture()
        try await fixture.app.test(.router) { client in
            let forms = try await client.send(.get, "/v1/forms", token: fixture.token(role)).decode([PublishedForm].self)
            #expect(forms.map(\.id) == ["survey"])
            #expect(forms.first?.source == ServerFixture.formYAML)
            guard role != .agency else {
                // An agency sees the doors of its follow-ups only, never the walk lists.
                #expect(try await client.send(.get, "/v1/campaigns", token: fixture.token(role)).status == .forbidden)
                return
            }
            let campaigns = try await client.send(.get, "/v1/campaigns", token: fixture.token(role)).decode([CampaignInfo].self)
            #expect(campaigns.map(\.id) == [ServerFixture.campaign])
            if role == .viewer {
                // Viewers read figures, not doors: no walk list.
                #expect(campaigns.first?.addresses.isEmpty == true)
            } else {
                #expect(campaigns.first?.addresses.map(\.id) == ["a1", "a2", "a3"])
                #expect(campaigns.first?.addresses.first?.street == "High Street")
            }
        }
    }

    @Test func viewersMayNotPush() async throws {
        let fixture = try ServerFixture()
        try await fixture.app.test(.router) { client in
            let response = try await client.send(
                .post, "/v1/push", token: fixture.token(.viewer),
                json: PushRequest(device: "d", operations: [Ops.visit(stamp: Ops.stamp(0, "d"))])
            )
            #expect(response.status == .forbidden)
            #expect(response.errorBody?.error == "forbidden")
            #expect(try fixture.count("operations") == 0)
        }
    }

    @Test(arguments: [
        ("{not json", "bad_request"),
        (#"{"device":"d","operations":"many"}"#, "bad_request"),
        (#"{"device":"d"}"#, "bad_request"),
        (#"{"device":"d","operations":[{"id":"7C9F3F40-2D6B-4C61-9D0C-6A9A5E4D2C11","type":"teleport","stamp":"0001763910853000-0000-d","device":"d","payload":{}}]}"#, "bad_request"),
        (#"{"device":"d","operations":[{"id":"not-a-uuid","type":"visit","stamp":"0001763910853000-0000-d","device":"d","payload":{}}]}"#, "bad_request"),
        (#"{"device":"d","operations":[{"id":"7C9F3F40-2D6B-4C61-9D0C-6A9A5E4D2C11","type":"visit","stamp":"yesterday","device":"d","payload":{}}]}"#, "bad_request"),
        (#"{"device":"","operations":[]}"#, "unprocessable"),
    ])
    func malformedPushesStoreNothing(body: String, code: String) async throws {
        let fixture = try ServerFixture()
        try await fixture.app.test(.router) { client in
            let response = try await client.send(.post, "/v1/push", token: fixture.token(.collector), body: body)
            #expect(response.status.code == (code == "bad_request" ? 400 : 422))
            #expect(response.errorBody?.error == code)
            #expect(response.errorBody?.message.isEmpty == false)
            #expect(try fixture.count("operations") == 0)
        }
    }

    @Test func oversizedBodyGets413() async throws {
        let fixture = try ServerFixture()
        try await fixture.app.test(.router) { client in
            let padding = String(repeating: "x", count: AppRequestContext.maximumBodySize + 1)
            let body = #"{"device":"d","operations":[],"padding":""# + padding + #""}"#
            let response = try await client.send(.post, "/v1/push", token: fixture.token(.collector), body: body)
            #expect(response.status == .contentTooLarge)
            #expect(response.errorBody?.error == "payload_too_large")
        }
    }

    @Test func oversizedBatchGets413AndStoresNothing() async throws {
        let fixture = try ServerFixture(maxBatchSize: 2)
        try await fixture.app.test(.router) { client in
            let operations = (0..<3).map { Ops.visit(stamp: Ops.stamp(Int64($0), "d")) }
            let response = try await client.send(
                .post, "/v1/push", token: fixture.token(.collector), json: PushRequest(device: "d", operations: operations)
            )
            #expect(response.status == .contentTooLarge)
            #expect(response.errorBody?.message.contains("limit is 2") == true)
            #expect(try fixture.count("visits") == 0)
        }
    }

    @Test func badOperationsAreHeldOrRejectedWithReasonsAndGoodOnesApplied() async throws {
        let fixture = try ServerFixture()
        try await fixture.app.test(.router) { client in
            let good = Ops.create(UUID(), answers: ["safe": .text("very"), "age": .integer(40)], stamp: Ops.stamp(0, "d"))
            let badChoice = Ops.create(UUID(), answers: ["safe": .text("maybe")], stamp: Ops.stamp(1, "d"))
            let missingRequired = Ops.create(UUID(), answers: ["age": .integer(3)], stamp: Ops.stamp(2, "d"))
            let unknownCampaign = Ops.create(UUID(), answers: ["safe": .text("very")], stamp: Ops.stamp(3, "d"), campaign: "nowhere")
            let unknownAddress = Ops.create(UUID(), address: "z9", answers: ["safe": .text("very")], stamp: Ops.stamp(4, "d"))
            let unknownVersion = Ops.create(UUID(), answers: ["safe": .text("very")], stamp: Ops.stamp(5, "d"), version: "7")
            let unknownResponse = Ops.update(UUID(), [FieldChange(name: "safe", value: .text("not"), base: nil)], stamp: Ops.stamp(6, "d"))
            let unknownQuestion = Ops.update(good.responseUUID, [FieldChange(name: "shoe_size", value: .integer(9), base: nil)], stamp: Ops.stamp(7, "d"))
            let wrongType = Ops.update(good.responseUUID, [FieldChange(name: "age", value: .text("old"), base: nil)], stamp: Ops.stamp(8, "d"))
            let visit = Ops.visit(stamp: Ops.stamp(9, "d"))
            let answer = try await client.push(
                [good, badChoice, missingRequired, unknownCampaign, unknownAddress, unknownVersion, unknownResponse,
                 unknownQuestion, wrongType, visit],
                token: fixture.token(.collector)
            )
            // What the server may have later (a campaign, a form version, a response) is held; the rest is rejected.
            #expect(answer.results.map(\.status) == [
                .applied, .rejected, .rejected, .held, .rejected, .held, .held, .rejected, .rejected, .applied,
            ])
            for result in answer.results.dropFirst().dropLast() {
                #expect(result.reason?.isEmpty == false)
            }
            #expect(answer.results[3].reason?.contains("nowhere") == true)
            #expect(answer.results[4].reason?.contains("z9") == true)
            #expect(try fixture.count("responses") == 1)
            #expect(try fixture.count("visits") == 1)
            #expect(try fixture.count("operations", where: "status <> 'applied'") == 0)
            #expect(try fixture.count("unapplied_operations", where: "status = 'rejected'") == 5)
            #expect(try fixture.count("unapplied_operations", where: "status = 'held'") == 3)
        }
    }

    @Test func pullGivesEachRoleWhatItMaySee() async throws {
        let fixture = try ServerFixture()
        try await fixture.app.test(.router) { client in
            let mine = UUID(), theirs = UUID()
            _ = try await client.push(
                [Ops.create(mine, answers: ["safe": .text("very")], stamp: Ops.stamp(0, "d1")), Ops.visit(stamp: Ops.stamp(1, "d1"))],
                token: fixture.token(.collector), device: "d1"
            )
            _ = try await client.push(
                [Ops.create(theirs, address: "a2", answers: ["safe": .text("not")], stamp: Ops.stamp(2, "d2"))],
                token: fixture.secondCollector, device: "d2"
            )
            func everything(_ token: String) async throws -> (forms: Int, campaigns: Int, visits: Int, responses: Set<UUID>) {
                let pages = try await client.pullAll(token: token).pages
                return (
                    pages.flatMap(\.forms).count, pages.flatMap(\.campaigns).count, pages.flatMap(\.visits).count,
                    Set(pages.flatMap(\.responses).map(\.id))
                )
            }
            let collector = try await everything(fixture.token(.collector))
            #expect(collector.forms == 1 && collector.campaigns == 1 && collector.visits == 1)
            #expect(collector.responses == [mine])
            #expect(try await everything(fixture.secondCollector).responses == [theirs])
            #expect(try await everything(fixture.token(.organiser)).responses == [mine, theirs])
            #expect(try await everything(fixture.token(.admin)).responses == [mine, theirs])
            // Viewers get published figures only: no doors, knocks or notes, so no pull at all.
            let viewer = try await client.send(.get, "/v1/pull?cursor=0", token: fixture.token(.viewer))
            #expect(viewer.status == .forbidden)
            #expect(viewer.errorBody?.error == "forbidden")
        }
    }

    @Test func pullPagesAreStableAndMonotonic() async throws {
        let fixture = try ServerFixture()
        try await fixture.app.test(.router) { client in
            let ids = (0..<25).map { _ in UUID() }
            _ = try await client.push(
                ids.enumerated().map { Ops.create($1, answers: ["safe": .text("fairly")], stamp: Ops.stamp(Int64($0), "d")) },
                token: fixture.token(.organiser)
            )
            let (pages, cursor) = try await client.pullAll(token: fixture.token(.organiser), limit: 4)
            #expect(pages.count == 7)
            #expect(pages.dropLast().allSatisfy { $0.more })
            let cursors = pages.map(\.cursor)
            #expect(cursors == cursors.sorted() && Set(cursors).count == cursors.count)
            let pulled = pages.flatMap(\.responses).map(\.id)
            #expect(pulled == ids)
            #expect(pages.map { $0.forms.count + $0.campaigns.count + $0.responses.count + $0.visits.count }.max() == 4)

            // Nothing new: the same cursor comes back with an empty page.
            let again = try await client.send(.get, "/v1/pull?cursor=\(cursor)", token: fixture.token(.organiser)).decode(PullResponse.self)
            #expect(again.cursor == cursor && !again.more && again.responses.isEmpty)

            // A change moves the response past the cursor.
            let update = Ops.update(ids[3], [FieldChange(name: "safe", value: .text("not"), base: Ops.stamp(3, "d"))], stamp: Ops.stamp(100, "d"))
            _ = try await client.push([update], token: fixture.token(.organiser))
            let next = try await client.send(.get, "/v1/pull?cursor=\(cursor)", token: fixture.token(.organiser)).decode(PullResponse.self)
            #expect(next.responses.map(\.id) == [ids[3]])
            #expect(next.responses.first?.fields["safe"]?.value == .text("not"))
            #expect(next.cursor > cursor)
        }
    }

    @Test(arguments: ["cursor=-1", "cursor=abc", "limit=0", "limit=x"])
    func badPullParametersGet400(query: String) async throws {
        let fixture = try ServerFixture()
        try await fixture.app.test(.router) { client in
            let response = try await client.send(.get, "/v1/pull?\(query)", token: fixture.token(.collector))
            #expect(response.status == .badRequest)
            #expect(response.errorBody?.error == "bad_request")
        }
    }

    @Test func collectorsMayNotChangeOthersResponses() async throws {
        let fixture = try ServerFixture()
        try await fixture.app.test(.router) { client in
            let id = UUID()
            _ = try await client.push([Ops.create(id, answers: ["safe": .text("very")], stamp: Ops.stamp(0, "d1"))], token: fixture.token(.collector))
            let edit = Ops.update(id, [FieldChange(name: "safe", value: .text("not"), base: Ops.stamp(0, "d1"))], stamp: Ops.stamp(5, "d2"))
            let other = try await client.push([edit], token: fixture.secondCollector)
            #expect(other.results.first?.status == .rejected)
            let organiser = try await client.push([Ops.update(id, edit.changes, stamp: Ops.stamp(6, "o"))], token: fixture.token(.organiser))
            #expect(organiser.results.first?.status == .applied)
        }
    }
}

extension SyncOperation {
    /// The response a create or update is about, for tests.
    var responseUUID: UUID {
        switch body {
        case .createResponse(let new): new.response
        case .updateResponse(let update): update.response
        case .eraseResponse(let erasure): erasure.response
        case .recordVisit(let visit): visit.visit
        case .recordOutcome(let outcome): outcome.response
        case .addAddress: id
        }
    }

    /// The field changes of an update, for tests.
    var changes: [FieldChange] {
        if case .updateResponse(let update) = body { return update.fields }
        return []
    }
}
