import DoorstepCore
import DoorstepWire
import DoorstepServer
import DoorstepTestSupport
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Merge, conflicts, drift, erasure and retries")
struct MergeTests {
    @Test func retriedBatchAppliesNothingTwiceAndAnswersTheSame() async throws {
        let fixture = try ServerFixture()
        try await fixture.app.test(.router) { client in
            let id = UUID()
            let create = Ops.create(id, answers: ["safe": .text("very")], stamp: Ops.stamp(0, "d"))
            let bad = Ops.create(UUID(), answers: ["safe": .text("nope")], stamp: Ops.stamp(1, "d"))
            let visit = Ops.visit(stamp: Ops.stamp(2, "d"))
            let edit = Ops.update(id, [FieldChange(name: "age", value: .integer(30), base: nil)], stamp: Ops.stamp(3, "d"))
            let batch = [create, bad, visit, edit]
            let first = try await client.push(batch, token: fixture.token(.collector))
            // The same operation twice in one batch, then the whole batch again (a retry after a timeout).
            let second = try await client.push(batch + [create], token: fixture.token(.collector))
            #expect(first.results.map(\.status) == [.applied, .rejected, .applied, .applied])
            #expect(second.results == first.results + [first.results[0]])
            #expect(try fixture.count("responses") == 1)
            #expect(try fixture.count("visits") == 1)
            #expect(try fixture.count("field_writes") == 2)
            #expect(try fixture.count("operations") == 3)
            #expect(try fixture.count("unapplied_operations") == 1)
            let tally = try await fixture.database.store.read { db in
                try Int.fetchOne(db, sql: "SELECT count FROM tallies WHERE dimension = 'all' AND question = 'safe' AND bucket = 'very'")
            }
            #expect(tally == 1)
        }
    }

    @Test func concurrentEditsKeepTheLosingValueAsAConflict() async throws {
        let fixture = try ServerFixture()
        try await fixture.app.test(.router) { client in
            // Given a response both an officer and an organiser have seen,
            let id = UUID()
            let created = Ops.stamp(0, "officer")
            _ = try await client.push([Ops.create(id, answers: ["safe": .text("very"), "age": .integer(70)], stamp: created)], token: fixture.token(.collector))
            // when both change the same field without seeing each other's edit,
            let officer = Ops.update(id, [FieldChange(name: "safe", value: .text("fairly"), base: created)], stamp: Ops.stamp(10, "officer"))
            let organiser = Ops.update(id, [FieldChange(name: "safe", value: .text("not"), base: created)], stamp: Ops.stamp(20, "organiser"))
            let first = try await client.push([officer], token: fixture.token(.collector))
            let second = try await client.push([organiser], token: fixture.token(.organiser))
            #expect(first.results.first?.conflicts == 0)
            #expect(second.results.first?.conflicts == 1)

            // then the highest stamp wins and the other value is kept as a conflict.
            let conflicts = try await client.send(.get, "/v1/conflicts?campaign=\(ServerFixture.campaign)", token: fixture.token(.organiser))
                .decode([ConflictInfo].self)
            #expect(conflicts.count == 1)
            let conflict = try #require(conflicts.first)
            #expect(conflict.response == id && conflict.field == "safe")
            #expect(conflict.value == .text("fairly") && conflict.device == "officer")
            #expect(conflict.stamp == Ops.stamp(10, "officer"))
            #expect(conflict.current == .text("not") && conflict.currentStamp == Ops.stamp(20, "organiser"))
            let all = try await client.send(.get, "/v1/conflicts", token: fixture.token(.admin)).decode([ConflictInfo].self)
            #expect(all == conflicts)

            // Collectors and viewers may not see conflicts; an unknown campaign is a 404.
            #expect(try await client.send(.get, "/v1/conflicts", token: fixture.token(.collector)).status == .forbidden)
            #expect(try await client.send(.get, "/v1/conflicts", token: fixture.token(.viewer)).status == .forbidden)
            #expect(try await client.send(.get, "/v1/conflicts?campaign=none", token: fixture.token(.organiser)).status == .notFound)

            // Resolving: the server writes the value, the conflict closes, and the officer's device pulls it.
            let (_, officerCursor) = try await client.pullAll(token: fixture.token(.collector))
            let resolved = try await client.send(
                .post, "/v1/conflicts/\(conflict.id)/resolve", token: fixture.token(.organiser), body: #"{"value":"fairly"}"#
            )
            #expect(resolved.status == .ok)
            let state = try resolved.decode(ResponseState.self)
            #expect(state.fields["safe"]?.value == .text("fairly"))
            #expect(state.fields["safe"]?.stamp.node == fixture.database.clockNode)
            #expect(try await client.send(.get, "/v1/conflicts", token: fixture.token(.organiser)).decode([ConflictInfo].self).isEmpty)
            let page = try await client.send(.get, "/v1/pull?cursor=\(officerCursor)", token: fixture.token(.collector)).decode(PullResponse.self)
            #expect(page.responses.map(\.id) == [id])
            #expect(page.responses.first?.fields["safe"] == state.fields["safe"])

            // Resolving again: the conflict is gone.
            let again = try await client.send(.post, "/v1/conflicts/\(conflict.id)/resolve", token: fixture.token(.organiser), body: #"{"value":"very"}"#)
            #expect(again.status == .notFound)
        }
    }

    @Test func resolveChecksRoleBodyAndValue() async throws {
        let fixture = try ServerFixture()
        try await fixture.app.test(.router) { client in
            let id = UUID()
            let created = Ops.stamp(0, "a")
            _ = try await client.push([
                Ops.create(id, answers: ["safe": .text("very"), "age": .integer(30)], stamp: created),
                Ops.update(id, [FieldChange(name: "age", value: .integer(31), base: created)], stamp: Ops.stamp(1, "a")),
                Ops.update(id, [FieldChange(name: "age", value: .integer(32), base: created)], stamp: Ops.stamp(2, "b")),
            ], token: fixture.token(.organiser))
            let conflict = try #require(try await client.send(.get, "/v1/conflicts", token: fixture.token(.organiser)).decode([ConflictInfo].self).first)
            let path = "/v1/conflicts/\(conflict.id)/resolve"
            #expect(try await client.send(.post, path, token: fixture.token(.collector), body: #"{"value":1}"#).status == .forbidden)
            #expect(try await client.send(.post, path, token: fixture.token(.organiser), body: #"{}"#).status == .badRequest)
            #expect(try await client.send(.post, path, token: fixture.token(.organiser), body: #"{"value":"old"}"#).status == .unprocessableContent)
            #expect(try await client.send(.post, "/v1/conflicts/nothing/resolve", token: fixture.token(.organiser), body: #"{"value":1}"#).status == .notFound)
            #expect(try fixture.count("conflicts") == 1)
            // Text is coerced to the question's type, as the client's --value is.
            let resolved = try await client.send(.post, path, token: fixture.token(.admin), body: #"{"value":"31"}"#).decode(ResponseState.self)
            #expect(resolved.fields["age"]?.value == .integer(31))
            #expect(try fixture.count("conflicts") == 0)
        }
    }

    @Test func stampsFarAheadAreClampedAndKeptAsAliases() async throws {
        let fixture = try ServerFixture(maxClockDrift: .seconds(300))
        try await fixture.app.test(.router) { client in
            let id = UUID()
            let created = Ops.stamp(0, "a")
            _ = try await client.push([Ops.create(id, answers: ["safe": .text("very")], stamp: created)], token: fixture.token(.organiser))
            // A device whose clock is a day ahead edits the field: its stamp would win every later edit.
            let future = HLCTimestamp(physical: Ops.base + 86_400_000, counter: 0, node: "fast")
            let ahead = Ops.update(id, [FieldChange(name: "safe", value: .text("fairly"), base: created)], stamp: future)
            _ = try await client.push([ahead], token: fixture.token(.organiser))
            let state = try #require(try await client.pullAll(token: fixture.token(.organiser)).pages.flatMap(\.responses).last)
            let clamped = try #require(state.fields["safe"]?.stamp)
            #expect(clamped.node == fixture.database.clockNode)
            #expect(clamped.physical < future.physical)

            // A later edit from a correct clock that saw the device's write (by its own stamp) wins cleanly.
            let later = HLCTimestamp(physical: Int64(Date().timeIntervalSince1970 * 1_000) + 1_000, counter: 0, node: "b")
            let next = Ops.update(id, [FieldChange(name: "safe", value: .text("not"), base: future)], stamp: later)
            let answer = try await client.push([next], token: fixture.token(.organiser))
            #expect(answer.results.first?.conflicts == 0)
            let final = try #require(try await client.pullAll(token: fixture.token(.organiser)).pages.flatMap(\.responses).last)
            #expect(final.fields["safe"]?.value == .text("not"))
            #expect(try fixture.count("conflicts") == 0)
            // The log keeps the device's own stamp next to the one applied.
            let logged = try await fixture.database.store.read { db in
                try SQLRow.fetchOne(db, sql: "SELECT stamp, applied_stamp FROM operations WHERE id = ?", arguments: [ahead.id.uuidString])
            }
            #expect(logged?["stamp"] == future.description)
            #expect(logged?["applied_stamp"] == clamped.description)
        }
    }

    @Test func erasureRemovesSensitiveFieldsEverywhere() async throws {
        let fixture = try ServerFixture()
        try await fixture.app.test(.router) { client in
            let id = UUID()
            let created = Ops.stamp(0, "d")
            _ = try await client.push([
                Ops.create(id, answers: ["safe": .text("very"), "phone": .text("07700 900123")], stamp: created),
                Ops.update(id, [FieldChange(name: "phone", value: .text("07700 900999"), base: created)], stamp: Ops.stamp(1, "d")),
            ], token: fixture.token(.collector))
            let (_, cursor) = try await client.pullAll(token: fixture.token(.collector))
            let erase = try await client.push([Ops.erase(id, scope: .sensitive, stamp: Ops.stamp(2, "d"))], token: fixture.token(.collector))
            #expect(erase.results.first?.status == .applied)

            // The device learns of it on its next pull: the field is gone and the response marked.
            let page = try await client.send(.get, "/v1/pull?cursor=\(cursor)", token: fixture.token(.collector)).decode(PullResponse.self)
            let state = try #require(page.responses.first)
            #expect(state.erased == .sensitive)
            #expect(state.fields["phone"] == nil)
            #expect(state.fields["safe"]?.value == .text("very"))

            // No copy is left on the server: merged state, history or the operation log.
            let leftovers = try await fixture.database.store.read { db in
                try String.fetchAll(db, sql: """
                    SELECT answers_json || COALESCE(fields_json, '') FROM responses
                    UNION ALL SELECT COALESCE(value_json, '') FROM field_writes
                    UNION ALL SELECT payload_json FROM operations
                    """)
            }
            #expect(!leftovers.contains { $0.contains("07700") })

            // A late edit of the erased field from another device is dropped too.
            let late = Ops.update(id, [FieldChange(name: "phone", value: .text("07700 900555"), base: created)], stamp: Ops.stamp(3, "d"))
            _ = try await client.push([late], token: fixture.token(.collector))
            let after = try await fixture.database.store.read { db in
                try String.fetchAll(db, sql: "SELECT payload_json FROM operations UNION ALL SELECT COALESCE(fields_json, '') FROM responses")
            }
            #expect(!after.contains { $0.contains("07700") })
        }
    }

    @Test func erasingEverythingEmptiesTheResponseAndItsTallies() async throws {
        let fixture = try ServerFixture()
        try await fixture.app.test(.router) { client in
            let id = UUID()
            _ = try await client.push([Ops.create(id, answers: ["safe": .text("very"), "worries": .list(["drugs"])], stamp: Ops.stamp(0, "d"))], token: fixture.token(.collector))
            #expect(try fixture.count("tallies") > 0)
            // Another collector may not erase it; the one who recorded it may.
            let other = try await client.push([Ops.erase(id, scope: .all, stamp: Ops.stamp(1, "e"))], token: fixture.secondCollector)
            #expect(other.results.first?.status == .rejected)
            _ = try await client.push([Ops.erase(id, scope: .all, stamp: Ops.stamp(2, "d"))], token: fixture.token(.collector))
            let state = try #require(try await client.pullAll(token: fixture.token(.organiser)).pages.flatMap(\.responses).first)
            #expect(state.erased == .all && state.fields.isEmpty)
            #expect(try fixture.count("tallies") == 0)
            #expect(try fixture.count("field_writes", where: "value_json LIKE '%very%' OR value_json LIKE '%drugs%'") == 0)
            #expect(try fixture.count("operations", where: "payload_json LIKE '%very%' OR payload_json LIKE '%drugs%'") == 0)
            // An erasure of an unknown response is held: its create may still arrive.
            let unknown = try await client.push([Ops.erase(UUID(), scope: .all, stamp: Ops.stamp(3, "d"))], token: fixture.token(.collector))
            #expect(unknown.results.first?.status == .held)
        }
    }

    /// Two responses answering `safe` "very", one corrected to "not" afterwards, and `more`.
    static func pushCorrectedDay(_ client: some TestClientProtocol, _ fixture: ServerFixture, more: [SyncOperation] = []) async throws {
        let id = UUID()
        let created = Ops.stamp(0, "d")
        _ = try await client.push([
            Ops.create(id, answers: ["safe": .text("very")], stamp: created),
            Ops.create(UUID(), address: "a3", answers: ["safe": .text("very")], stamp: Ops.stamp(1, "d")),
            Ops.update(id, [FieldChange(name: "safe", value: .text("not"), base: created)], stamp: Ops.stamp(2, "d")),
        ] + more, token: fixture.token(.collector))
    }

    @Test func talliesFollowTheMergedAnswers() async throws {
        let fixture = try ServerFixture()
        try await fixture.app.test(.router) { client in
            try await Self.pushCorrectedDay(client, fixture)
            let tallies = try await fixture.database.store.read { db in
                try SQLRow.fetchAll(db, sql: "SELECT dimension, bucket, count FROM tallies WHERE question = 'safe' ORDER BY dimension, bucket")
                    .map { "\($0["dimension"] as String)/\($0["bucket"] as String)=\($0["count"] as Int)" }
            }
            #expect(tallies == [
                "all/answered=2", "all/not=1", "all/very=1",
                "area:East/answered=1", "area:East/very=1", "area:West/answered=1", "area:West/not=1",
                "street:High Street/answered=1", "street:High Street/not=1",
                "street:Mill Lane/answered=1", "street:Mill Lane/very=1",
                "version:1/answered=2", "version:1/not=1", "version:1/very=1",
            ])
        }
    }

    /// A server whose tallies predate the form-version and free-text dimensions counts its stored
    /// responses into them when it starts, exactly as the push path would have.
    @Test(.disabled(if: TestStore.isPostgres, Comment(rawValue: TestStore.embeddedOnly)))
    func versionAndTextTalliesAreCountedForResponsesStoredBefore() async throws {
        let fixture = try ServerFixture()
        try await fixture.app.test(.router) { client in
            try await Self.pushCorrectedDay(client, fixture, more: [
                Ops.create(UUID(), address: "a2", answers: ["safe": .text("not"), "comment": .text("The  park.")], stamp: Ops.stamp(2, "e")),
                Ops.create(UUID(), address: "a2", answers: ["safe": .text("not"), "comment": .text("the park")], stamp: Ops.stamp(3, "e")),
            ])
        }
        func tallies(_ database: ServerDatabase) async throws -> [String] {
            try await database.store.read { db in
                try SQLRow.fetchAll(db, sql: "SELECT dimension, question, bucket, count FROM tallies ORDER BY 1, 2, 3").map {
                    "\($0[0] as String)/\($0[1] as String)/\($0[2] as String)=\($0[3] as Int)"
                }
            }
        }
        let pushed = try await tallies(fixture.database)
        #expect(pushed.contains("version:1/*/responses=4"))
        #expect(pushed.contains("~text/comment/the park=2"))
        #expect(pushed.contains("~text/comment/=2"))
        try await fixture.database.store.write { db in
            try db.execute(sql: "DELETE FROM tallies WHERE dimension LIKE 'version:%' OR dimension = '~text'")
            try db.execute(sql: "DROP INDEX tallies_text_counts")
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier IN ('v6-version-tallies', 'v8-text-tallies')")
        }
        #expect(try await tallies(fixture.database) != pushed)
        #expect(try await tallies(try ServerDatabase.forTest(fixture.directory.url)) == pushed)
    }

    /// The same concurrent writes, applied in many orders, give the same state and the same kept values.
    @Test(arguments: SeededGenerator.seeds)
    func mergeDoesNotDependOnArrivalOrder(seed: UInt64) async throws {
        print("mergeDoesNotDependOnArrivalOrder seed: \(seed) (set DOORSTEP_SEED to replay)")
        var random = SeededGenerator(seed: seed)
        let responses = (0..<4).map { _ in UUID() }
        let fields = ["safe", "age", "comment"]
        let devices = ["d1", "d2", "d3", "org"]
        let creates = responses.enumerated().map { index, id in
            Ops.create(id, answers: ["safe": .text("very"), "age": .integer(20), "comment": .text("c")], stamp: Ops.stamp(Int64(index), "d1"))
        }
        // Each edit is based on a stamp its writer may have seen: the create's or an earlier edit's.
        var seen: [UUID: [String: [HLCTimestamp]]] = [:]
        for (index, id) in responses.enumerated() {
            for field in fields { seen[id, default: [:]][field] = [Ops.stamp(Int64(index), "d1")] }
        }
        var edits: [SyncOperation] = []
        for step in 0..<40 {
            let id = responses.randomElement(using: &random)!
            let field = fields.randomElement(using: &random)!
            let device = devices.randomElement(using: &random)!
            let base = seen[id]![field]!.randomElement(using: &random)!
            let stamp = Ops.stamp(100 + Int64(random.next() % 50), device, counter: step)
            let value: AnswerValue? = switch field {
            case "safe": [AnswerValue.text("very"), .text("fairly"), .text("not")].randomElement(using: &random)!
            case "age": .integer(Int(random.next() % 90))
            default: random.next() % 4 == 0 ? nil : .text("note \(step)")
            }
            edits.append(Ops.update(id, [FieldChange(name: field, value: value, base: base)], stamp: stamp))
            seen[id]![field]!.append(stamp)
        }

        var outcomes: Set<MergeOutcome> = []
        for _ in 0..<4 {
            let fixture = try ServerFixture()
            let identity = try #require(try await fixture.database.identity(forToken: fixture.token(.organiser)))
            _ = try await fixture.database.push(PushRequest(device: "d1", operations: creates), by: identity, maxClockDrift: .seconds(300))
            var order = edits
            order.shuffle(using: &random)
            // Arrive in batches of random sizes, as devices sync at different times.
            while !order.isEmpty {
                let size = Int(random.next() % 6) + 1
                let batch = Array(order.prefix(size))
                order.removeFirst(min(size, order.count))
                let answer = try await fixture.database.push(PushRequest(device: "d", operations: batch), by: identity, maxClockDrift: .seconds(300))
                #expect(answer.results.allSatisfy { $0.status == .applied })
            }
            let pulled = try await fixture.database.pull(after: 0, limit: 100, for: identity)
            let conflicts = try await fixture.database.conflicts(campaign: nil)
            outcomes.insert(MergeOutcome(
                states: Dictionary(uniqueKeysWithValues: pulled.responses.map { ($0.id, $0.fields) }),
                kept: Set(conflicts.map { "\($0.id) \($0.field) \($0.stamp) \($0.value.map(String.init(describing:)) ?? "nil")" })
            ))
        }
        #expect(outcomes.count == 1, "seed \(seed)")
    }
}

struct MergeOutcome: Hashable {
    var states: [UUID: [String: FieldValue]]
    var kept: Set<String>
}
