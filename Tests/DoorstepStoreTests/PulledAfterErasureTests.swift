import DoorstepCore
import DoorstepWire
import DoorstepStore
import DoorstepTestSupport
import Foundation
import Testing

/// A response erased on this laptop whose erasure the server refused (or has not seen yet): a
/// pulled record of it must not bring the erased answers back.
@Suite("Client store: a pulled response does not undo an erasure made here")
struct PulledAfterErasureTests {
    /// A stamp a minute ahead of now, as a later write on the server would have.
    private static func later(_ node: String = "server") -> HLCTimestamp {
        HLCTimestamp(physical: Int64(Date().timeIntervalSince1970 * 1000) + 60_000, counter: 0, node: node)
    }

    /// The server's state of `id`, unerased, every answer with a newer stamp.
    private func serverState(_ id: UUID, _ local: StoredResponse, answers: Answers) -> ResponseState {
        ResponseState(
            id: id, campaign: "west", address: "a1", form: "door", formVersion: "2", recordedAt: local.recordedAt,
            device: local.device, fields: answers.mapValues { FieldValue(value: $0, stamp: Self.later()) }
        )
    }

    /// Records a response with a resident's name and marks its create sent, as after a sync.
    private func synced(_ fixture: StoreFixture) throws -> UUID {
        let id = try fixture.record(["consent": .text("yes"), "safe_day": .text("fairly"), "adults": .integer(2), "name": .text("Ann Resident")])
        try fixture.store.acknowledge(try fixture.store.pendingOperations(limit: 10).map { OperationResult(id: $0.id, status: .applied) })
        return id
    }

    @Test func aRefusedSensitiveErasureKeepsThePersonalAnswersOff() throws {
        // Given a synced response whose personal answer was erased here, the erasure refused by the server
        let fixture = try StoreFixture()
        defer { fixture.directory.remove() }
        let id = try synced(fixture)
        try fixture.store.eraseResponse(id: id, scope: .sensitive, reason: nil)
        let refused = try fixture.store.pendingOperations(limit: 10)
        try fixture.store.acknowledge(refused.map { OperationResult(id: $0.id, status: .rejected, reason: "Not your response.") })
        let local = try fixture.store.response(id: id)

        // When the server's state of the response arrives with every answer, newer than this laptop's
        let answers: Answers = ["consent": .text("yes"), "safe_day": .text("very"), "adults": .integer(3), "name": .text("Ann Resident")]
        try fixture.store.applyPulledPage(PullResponse(
            cursor: 9, more: false, epoch: "e1", serverTime: Self.later(), responses: [serverState(id, local, answers: answers)]
        ))

        // Then the name stays erased and the other answers take the server's values
        let stored = try fixture.store.response(id: id)
        #expect(stored.erased == .sensitive)
        #expect(stored.answers == ["consent": .text("yes"), "safe_day": .text("very"), "adults": .integer(3)])
        #expect(try fixture.store.syncSettings().cursor == 9)
    }

    @Test func aWholeErasureKeepsEveryAnswerOffEvenWhenTheServerErasedLess() throws {
        // Given a synced response erased whole here, the erasure not accepted by the server
        let fixture = try StoreFixture()
        defer { fixture.directory.remove() }
        let id = try synced(fixture)
        try fixture.store.eraseResponse(id: id, scope: .all, reason: "withdrew consent")
        let local = try fixture.store.response(id: id)
        #expect(local.fields.isEmpty)

        // When the server sends its state twice: every answer, then only the personal ones erased
        let answers: Answers = ["consent": .text("yes"), "safe_day": .text("very"), "adults": .integer(3), "name": .text("Ann Resident")]
        try fixture.store.applyPulledPage(PullResponse(
            cursor: 1, more: false, epoch: "e1", serverTime: Self.later(), responses: [serverState(id, local, answers: answers)]
        ))
        var sensitive = serverState(id, local, answers: answers.filter { $0.key != "name" })
        sensitive.erased = .sensitive
        try fixture.store.applyPulledPage(PullResponse(cursor: 2, more: false, epoch: "e1", serverTime: Self.later(), responses: [sensitive]))

        // Then nothing comes back and the response stays erased whole
        let stored = try fixture.store.response(id: id)
        #expect(stored.erased == .all)
        #expect(stored.fields.isEmpty)
    }
}
