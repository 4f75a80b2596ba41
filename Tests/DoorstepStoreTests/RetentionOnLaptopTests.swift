import DoorstepCore
import DoorstepWire
import DoorstepStore
import DoorstepTestSupport
import Foundation
import Testing

/// What a laptop keeps of residents' answers: nothing the server purged, and nothing synced
/// longer ago than the campaign's device retention, while door status stays.
@Suite("Client store: retention of answers on the laptop")
struct RetentionOnLaptopTests {
    static let name = "Philomena Quagliarello"

    /// Whether the store's files (database and WAL) hold `text` anywhere.
    static func filesHold(_ fixture: StoreFixture, _ text: String) throws -> Bool {
        try [fixture.databasePath, fixture.databasePath + "-wal"].contains { path in
            guard FileManager.default.fileExists(atPath: path) else { return false }
            return try Data(contentsOf: URL(fileURLWithPath: path)).range(of: Data(text.utf8)) != nil
        }
    }

    /// Records a response with the resident's name and marks its operations sent, as after a sync.
    static func synced(_ fixture: StoreFixture, at address: String = "a1") throws -> UUID {
        let id = try fixture.record(
            ["consent": .text("yes"), "safe_day": .text("fairly"), "adults": .integer(2), "name": .text(name)], at: address
        )
        try fixture.store.acknowledge(try fixture.store.pendingOperations(limit: 10).map { OperationResult(id: $0.id, status: .applied) })
        return id
    }

    @Test func aPulledPurgeRemovesTheExpiredAnswerFromTheStoreTheOutboxAndTheFiles() throws {
        let fixture = try StoreFixture()
        defer { fixture.directory.remove() }
        let id = try Self.synced(fixture)
        #expect(try Self.filesHold(fixture, Self.name), "the answer was not stored where this test looks")
        let local = try fixture.store.response(id: id)

        // The server purged the name: its state is marked expired, without the name.
        let later = HLCTimestamp(physical: Int64(Date().timeIntervalSince1970 * 1000) + 60_000, counter: 0, node: "server")
        let state = ResponseState(
            id: id, campaign: "west", address: "a1", form: "door", formVersion: "2", recordedAt: local.recordedAt,
            device: local.device, fields: local.fields.filter { $0.key != "name" }, erased: .expired
        )
        try fixture.store.applyPulledPage(PullResponse(cursor: 5, more: false, epoch: "e1", serverTime: later, responses: [state]))

        let stored = try fixture.store.response(id: id)
        #expect(stored.erased == .expired)
        #expect(stored.answers["name"] == nil)
        #expect(stored.answers["adults"] == .integer(2))
        #expect(try !Self.filesHold(fixture, Self.name))
    }

    @Test func aDeviceNeverAsksForTheServersPurge() throws {
        let fixture = try StoreFixture()
        defer { fixture.directory.remove() }
        let id = try Self.synced(fixture)
        #expect(throws: ErasureError.notRequestable(.expired)) {
            try fixture.store.eraseResponse(id: id, scope: .expired, reason: nil)
        }
    }

    @Test func syncedAnswersLeaveAfterTheDeviceRetentionPendingOnesStayAndDoorStatusIsKept() throws {
        let fixture = try StoreFixture()
        defer { fixture.directory.remove() }
        let sent = try Self.synced(fixture, at: "a1")
        let waiting = try fixture.record(["consent": .text("yes"), "adults": .integer(3), "name": .text("Bartholomew Pending")], at: "a2")
        let now = Date()

        // The end of a sync marks what has nothing waiting as synced; nothing is old enough yet.
        #expect(try fixture.store.dropExpiredAnswers(now: now) == 0)
        #expect(try fixture.store.dropExpiredAnswers(now: now.addingTimeInterval(29 * 86_400)) == 0)

        // Thirty days on (the default), the synced response's answers go; the pending one stays.
        #expect(try fixture.store.dropExpiredAnswers(now: now.addingTimeInterval(30 * 86_400 + 1)) == 1)
        #expect(throws: (any Error).self) { try fixture.store.response(id: sent) }
        #expect(try fixture.store.response(id: waiting).answers["name"] == .text("Bartholomew Pending"))
        #expect(try !Self.filesHold(fixture, Self.name))
        let door = try fixture.store.addressState(campaign: "west", id: "a1")
        #expect(door.status == .surveyed)
        #expect(door.visits == 1)
    }

    @Test func theCampaignsDeviceRetentionComesFromThePull() throws {
        let fixture = try StoreFixture()
        defer { fixture.directory.remove() }
        let sent = try Self.synced(fixture)
        let campaign = CampaignInfo(id: "west", name: "West End day", form: "door", addresses: walkList, deviceRetention: "1 day")
        let serverTime = HLCTimestamp(physical: Int64(Date().timeIntervalSince1970 * 1000), counter: 0, node: "server")
        try fixture.store.applyPulledPage(PullResponse(cursor: 1, more: false, epoch: "e1", serverTime: serverTime, campaigns: [campaign]))
        let now = Date()
        #expect(try fixture.store.dropExpiredAnswers(now: now) == 0)
        #expect(try fixture.store.dropExpiredAnswers(now: now.addingTimeInterval(86_400 + 1)) == 1)
        #expect(throws: (any Error).self) { try fixture.store.response(id: sent) }

        // An edit after the sync waits to be pushed: it is never dropped, however old.
        let edited = try Self.synced(fixture, at: "a2")
        #expect(try fixture.store.dropExpiredAnswers(now: now) == 0)
        _ = try fixture.store.editResponse(id: edited) { stored in stored.answers.merging(["adults": .integer(4)]) { $1 } }
        #expect(try fixture.store.dropExpiredAnswers(now: now.addingTimeInterval(365 * 86_400)) == 0)
        #expect(try fixture.store.response(id: edited).answers["adults"] == .integer(4))
    }
}
