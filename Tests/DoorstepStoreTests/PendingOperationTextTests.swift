import DoorstepCore
import DoorstepWire
import DoorstepStore
import DoorstepTestSupport
import Foundation
import Testing

@Suite("Client store: the outbox as stored JSON")
struct PendingOperationTextTests {
    @Test func textsAreTheSameQueueInTheWireForm() throws {
        // Given an outbox with a knock and an urgent response
        let fixture = try StoreFixture()
        defer { fixture.directory.remove() }
        try fixture.store.recordVisit(campaign: "west", address: "a3", outcome: .noAnswer, note: nil)
        let urgent = try fixture.record(["consent": .text("yes"), "concern": .text("yes")], at: "a2", safeguarding: true)

        // When the push reads it as text
        let texts = try fixture.store.pendingOperationTexts(limit: 10)
        let operations = try fixture.store.pendingOperations(limit: 10)

        // Then it is the same queue, in the same order, and each text decodes to its operation
        #expect(texts.map(\.id) == operations.map(\.id))
        #expect(texts.map(\.kind) == operations.map(\.kind))
        #expect(texts.first?.response == urgent)
        #expect(texts.last?.response == nil)
        let decoded = try texts.map { try JSONDecoder().decode(SyncOperation.self, from: Data($0.json.utf8)) }
        #expect(decoded == operations)
        #expect(try fixture.store.pendingOperationTexts(limit: 1).count == 1)
    }
}
