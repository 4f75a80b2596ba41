import DoorstepCore
import DoorstepWire
import DoorstepStore
import DoorstepTestSupport
import Foundation
import Testing

@Suite("Client store: reading the outbox on from a batch in flight")
struct OutboxQueueTests {
    @Test func readingOnFromABatchFollowsTheQueueOrder() throws {
        let fixture = try StoreFixture()
        defer { fixture.directory.remove() }
        for address in ["a1", "a2"] {
            try fixture.store.recordVisit(campaign: "west", address: address, outcome: .noAnswer, note: nil)
        }
        try fixture.record(["consent": .text("yes"), "concern": .text("yes")], at: "a3", safeguarding: true)
        let queue = try fixture.store.pendingOperations(limit: 10).map(\.id)
        #expect(queue.count == 4)

        // Given a first batch of two (the safeguarding create, then the oldest knock)
        let first = try fixture.store.pendingOperationTexts(limit: 2)
        #expect(first.map(\.id) == Array(queue[0..<2]))
        #expect(first.map(\.position.urgent) == [true, false])

        // When the next batch is read on from it, it holds the rest, in order, without the first two
        let second = try fixture.store.pendingOperationTexts(limit: 10, after: first.last?.position)
        #expect(second.map(\.id) == Array(queue[2...]))

        // And a batch read on from the last urgent operation continues with the oldest ordinary ones
        let afterUrgent = try fixture.store.pendingOperationTexts(limit: 2, after: first[0].position)
        #expect(afterUrgent.map(\.id) == Array(queue[1..<3]))
    }

    @Test func aConcernQueuedDuringAPushIsFoundOnlyFromTheFront() throws {
        let fixture = try StoreFixture()
        defer { fixture.directory.remove() }
        try fixture.store.recordVisit(campaign: "west", address: "a1", outcome: .noAnswer, note: nil)
        let batch = try fixture.store.pendingOperationTexts(limit: 10)
        #expect(batch.count == 1)

        // Given a safeguarding concern recorded while that batch is in flight
        let concern = try fixture.record(["consent": .text("yes"), "concern": .text("yes")], at: "a2", safeguarding: true)

        // Then reading on from the batch finds only what queues behind it (the knock)
        let onward = try fixture.store.pendingOperationTexts(limit: 10, after: batch.last?.position)
        #expect(onward.map(\.kind) == ["visit"])
        // And the front of the queue starts with the concern, which the engine reads before it stops
        try fixture.store.acknowledge(batch.map { OperationResult(id: $0.id, status: .applied) })
        let front = try fixture.store.pendingOperationTexts(limit: 10)
        #expect(front.map(\.kind) == ["response.create", "visit"])
        #expect(front.first?.response == concern)
    }

    @Test func theServerTimeIsObservedWithTheAcknowledgement() throws {
        let fixture = try StoreFixture()
        defer { fixture.directory.remove() }
        try fixture.store.recordVisit(campaign: "west", address: "a1", outcome: .noAnswer, note: nil)
        let batch = try fixture.store.pendingOperationTexts(limit: 10)
        let ahead = SyncAPITests.serverStamp(3_600_000)

        try fixture.store.acknowledge(batch.map { OperationResult(id: $0.id, status: .applied) }, serverTime: ahead)

        #expect(try fixture.store.pendingCount() == 0)
        #expect(try fixture.store.clock().physical >= ahead.physical)
    }
}
