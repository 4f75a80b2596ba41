import DoorstepCore
import DoorstepWire
import DoorstepStore
import DoorstepTestSupport
import Foundation
import GRDB
import Testing

/// A resident withdraws consent on the doorstep or later: the laptop erases the response itself.
@Suite("Client store: erasing a response on this laptop")
struct ErasureTests {
    /// Every stored operation's JSON and state, oldest first, read straight from the database file.
    private func outbox(_ fixture: StoreFixture) throws -> [(json: String, state: String)] {
        let queue = try DatabaseQueue(path: fixture.databasePath)
        return try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT operation, state FROM outbox ORDER BY seq").map { ($0["operation"], $0["state"]) }
        }
    }

    /// The `response.erase` operations waiting to be pushed.
    private func pendingErasures(_ fixture: StoreFixture) throws -> [Erasure] {
        try fixture.store.pendingOperations(limit: 100).compactMap { operation in
            if case .eraseResponse(let erasure) = operation.body { return erasure }
            return nil
        }
    }

    /// A response with a resident's name, already pushed, then corrected (the correction still pending).
    private func pushedAndCorrected(_ fixture: StoreFixture) throws -> UUID {
        let id = try fixture.record(["consent": .text("yes"), "safe_day": .text("fairly"), "adults": .integer(2), "name": .text("Ann Resident")])
        let sent = try fixture.store.pendingOperations(limit: 10)
        try fixture.store.acknowledge(sent.map { OperationResult(id: $0.id, status: .applied) })
        try fixture.store.editResponse(id: id) { current in
            var answers = current.answers
            answers["name"] = .text("Ann Q. Resident")
            answers["adults"] = .integer(3)
            return answers
        }
        return id
    }

    @Test func sensitiveScopeRemovesOnlyPersonalAnswersEverywhereOnTheLaptopAndQueuesOneErasure() throws {
        let fixture = try StoreFixture()
        defer { fixture.directory.remove() }
        let id = try pushedAndCorrected(fixture)
        let before = try outbox(fixture)

        let erasure = try fixture.store.eraseResponse(id: id, scope: .sensitive, reason: "  withdrew consent ")

        #expect(erasure == Erasure(response: id, scope: .sensitive, reason: "withdrew consent"))
        let stored = try fixture.store.response(id: id)
        #expect(stored.erased == .sensitive)
        #expect(stored.answers == ["consent": .text("yes"), "safe_day": .text("fairly"), "adults": .integer(3)])
        let after = try outbox(fixture)
        #expect(after.count == before.count + 1)
        #expect(after.map(\.state) == before.map(\.state) + ["pending"])
        for operation in after {
            #expect(!operation.json.contains("Resident"), "personal data left in \(operation.json)")
        }
        // The non-personal answers stay in the operations, for a restored server.
        let created = try #require(after.first { $0.json.contains("response.create") })
        #expect(created.json.contains("fairly"))
        let corrected = try #require(after.first { $0.json.contains("response.update") })
        #expect(corrected.json.contains("adults"))
        #expect(try pendingErasures(fixture) == [erasure])
        #expect(try fixture.store.pendingOperations(limit: 100).last.map(\.kind) == "response.erase")
    }

    @Test func allScopeRemovesEveryAnswerAndTheResponseCannotBeChangedAgain() throws {
        let fixture = try StoreFixture()
        defer { fixture.directory.remove() }
        let id = try pushedAndCorrected(fixture)

        try fixture.store.eraseResponse(id: id, scope: .all, reason: nil)

        let stored = try fixture.store.response(id: id)
        #expect(stored.erased == .all)
        #expect(stored.fields.isEmpty)
        for operation in try outbox(fixture) {
            for text in ["Resident", "fairly", "\"adults\"", "\"consent\""] {
                #expect(!operation.json.contains(text), "\(text) left in \(operation.json)")
            }
        }
        #expect(try pendingErasures(fixture) == [Erasure(response: id, scope: .all)])
        #expect(throws: ClientStoreError.responseErased(id)) { try fixture.store.editResponse(id: id) { $0.answers } }
        // The response itself stays, as the tombstone the list shows.
        #expect(try fixture.store.responses().map(\.erased) == [.all])
    }

    @Test func personalAnswersErasedFirstMayThenBeErasedWhole() throws {
        let fixture = try StoreFixture()
        defer { fixture.directory.remove() }
        let id = try fixture.record(["consent": .text("yes"), "adults": .integer(1), "name": .text("Ann Resident")])

        try fixture.store.eraseResponse(id: id, scope: .sensitive, reason: nil)
        #expect(throws: ErasureError.alreadyErased(id, scope: .sensitive)) {
            try fixture.store.eraseResponse(id: id, scope: .sensitive, reason: nil)
        }
        try fixture.store.eraseResponse(id: id, scope: .all, reason: nil)
        #expect(throws: ErasureError.alreadyErased(id, scope: .all)) {
            try fixture.store.eraseResponse(id: id, scope: .sensitive, reason: nil)
        }
        #expect(throws: ErasureError.alreadyErased(id, scope: .all)) {
            try fixture.store.eraseResponse(id: id, scope: .all, reason: nil)
        }

        #expect(try pendingErasures(fixture).map(\.scope) == [.sensitive, .all])
        #expect(try fixture.store.response(id: id).fields.isEmpty)
        #expect("\(ErasureError.alreadyErased(id, scope: .sensitive))".contains("doorstep erase --all"))
    }

    @Test func anUnknownResponseIsRefusedAndNothingIsQueued() throws {
        let fixture = try StoreFixture()
        defer { fixture.directory.remove() }
        try fixture.record(["consent": .text("no")])
        let before = try outbox(fixture)
        let unknown = UUID()

        #expect(throws: ClientStoreError.unknownResponse(unknown)) {
            try fixture.store.eraseResponse(id: unknown, scope: .sensitive, reason: nil)
        }
        #expect(try outbox(fixture).map(\.json) == before.map(\.json))
    }

    @Test func aFailurePartWayLeavesTheResponseAndTheOutboxAsTheyWere() throws {
        let fixture = try StoreFixture()
        defer { fixture.directory.remove() }
        let id = try pushedAndCorrected(fixture)
        // A stored operation about the response that cannot be read back: the scrub reaches it
        // after the fields are deleted and the earlier operations rewritten.
        let queue = try DatabaseQueue(path: fixture.databasePath)
        try queue.write { db in
            try db.execute(
                sql: "INSERT INTO outbox (id, kind, response, operation, created_at) VALUES (?, 'response.update', ?, 'not json', '')",
                arguments: [UUID().uuidString, id.uuidString]
            )
        }
        let before = try outbox(fixture)
        let fields = try fixture.store.response(id: id).fields

        #expect(throws: ClientStoreError.self) { try fixture.store.eraseResponse(id: id, scope: .sensitive, reason: nil) }

        // No field deleted, no operation rewritten, no erasure queued.
        #expect(try outbox(fixture).map(\.json) == before.map(\.json))
        let stored = try fixture.store.response(id: id)
        #expect(stored.erased == nil)
        #expect(stored.fields == fields)
    }

    @Test func aPulledErasureStillScrubsAResponseErasedHere() throws {
        let fixture = try StoreFixture()
        defer { fixture.directory.remove() }
        let id = try fixture.record(["consent": .text("yes"), "adults": .integer(1), "name": .text("Ann Resident")])
        try fixture.store.eraseResponse(id: id, scope: .sensitive, reason: nil)
        try fixture.store.acknowledge(try fixture.store.pendingOperations(limit: 10).map { OperationResult(id: $0.id, status: .applied) })
        let local = try fixture.store.response(id: id)

        // The server echoes the erasure, then another device's organiser erases the whole response.
        let server = HLCTimestamp(physical: Int64(Date().timeIntervalSince1970 * 1000) + 60_000, counter: 0, node: "server")
        func state(_ fields: [String: FieldValue], _ scope: Erasure.Scope) -> ResponseState {
            ResponseState(
                id: id, campaign: "west", address: "a1", form: "door", formVersion: "2", recordedAt: local.recordedAt,
                device: local.device, fields: fields, erased: scope
            )
        }
        try fixture.store.applyPulledPage(PullResponse(cursor: 1, more: false, epoch: "e1", serverTime: server, responses: [state(local.fields, .sensitive)]))
        #expect(try fixture.store.response(id: id).fields == local.fields)
        try fixture.store.applyPulledPage(PullResponse(cursor: 2, more: false, epoch: "e1", serverTime: server, responses: [state([:], .all)]))

        let stored = try fixture.store.response(id: id)
        #expect(stored.erased == .all)
        #expect(stored.fields.isEmpty)
        for operation in try outbox(fixture) { #expect(!operation.json.contains("\"adults\""), "\(operation.json)") }
    }
}
