import DoorstepCore
import DoorstepWire
import DoorstepStore
import DoorstepTestSupport
import Foundation
import GRDB
import Testing

@Suite("Client store: the API sync drives")
struct SyncAPITests {
    /// A stamp from the server, far enough ahead of local stamps to win.
    static func serverStamp(_ offsetMilliseconds: Int64 = 60_000, counter: Int = 0) -> HLCTimestamp {
        HLCTimestamp(physical: Int64(Date().timeIntervalSince1970 * 1000) + offsetMilliseconds, counter: counter, node: "server")
    }

    @Test func urgentOperationsComeFirstThenTheOldest() throws {
        let fixture = try StoreFixture()
        defer { fixture.directory.remove() }
        try fixture.store.recordVisit(campaign: "west", address: "a3", outcome: .noAnswer, note: nil)
        let urgent = try fixture.record(["consent": .text("yes"), "concern": .text("yes")], at: "a2", safeguarding: true)

        let operations = try fixture.store.pendingOperations(limit: 10)
        #expect(operations.map(\.kind) == ["response.create", "visit", "visit"])
        guard case .createResponse(let created) = operations[0].body else { Issue.record("not a create"); return }
        #expect(created.response == urgent && created.safeguarding)
        #expect(try fixture.store.pendingOperations(limit: 1).count == 1)
        #expect(try fixture.store.pendingCount() == 3)
    }

    @Test func acknowledgementsMarkOperationsSentHeldOrRejected() throws {
        let fixture = try StoreFixture()
        defer { fixture.directory.remove() }
        let response = try fixture.record(["consent": .text("no")])
        _ = try fixture.store.recordVisit(campaign: "west", address: "a2", outcome: .noAnswer, note: nil)
        let operations = try fixture.store.pendingOperations(limit: 10)
        #expect(operations.count == 3)

        try fixture.store.acknowledge([
            OperationResult(id: operations[0].id, status: .held, reason: "Campaign north is unknown to the server."),
            OperationResult(id: operations[1].id, status: .applied),
            OperationResult(id: operations[2].id, status: .rejected, reason: "The address is not on the walk list."),
            OperationResult(id: UUID(), status: .applied),
        ])

        #expect(try fixture.store.pendingCount() == 0)
        let undelivered = try fixture.store.undeliveredOperations()
        #expect(undelivered.map(\.id) == [operations[0].id, operations[2].id])
        #expect(undelivered.map(\.state) == [.held, .rejected])
        #expect(undelivered.map(\.reason) == ["Campaign north is unknown to the server.", "The address is not on the walk list."])
        var status = try fixture.store.status()
        #expect(status.sent == 1 && status.held == 1 && status.rejected == 1 && status.pending == 0)
        #expect(try fixture.store.response(id: response).delivery.state == .held)

        // The next sync sends the held operation again, in its place; it still counts as held until applied.
        try fixture.store.requeueHeld()
        #expect(try fixture.store.pendingOperations(limit: 10) == [operations[0]])
        status = try fixture.store.status()
        #expect(status.held == 1 && status.pending == 0)
        try fixture.store.acknowledge([OperationResult(id: operations[0].id, status: .applied)])
        #expect(try fixture.store.response(id: response).delivery.state == .synced)

        // Only a person's discard removes the rejected one, and only undelivered work can be discarded.
        #expect(throws: ClientStoreError.notDiscardable(operations[1].id, state: "sent")) {
            try fixture.store.discard(operation: operations[1].id)
        }
        try fixture.store.discard(operation: operations[2].id)
        #expect(try fixture.store.undeliveredOperations().isEmpty)
        status = try fixture.store.status()
        #expect(status.rejected == 0 && status.discarded == 1)
    }

    @Test func aNewEpochSendsEverythingAgainFromCursorZero() throws {
        let fixture = try StoreFixture()
        defer { fixture.directory.remove() }
        try fixture.record(["consent": .text("no")])
        let operations = try fixture.store.pendingOperations(limit: 10)
        try fixture.store.acknowledge([
            OperationResult(id: operations[0].id, status: .applied),
            OperationResult(id: operations[1].id, status: .rejected, reason: "No."),
        ])
        try fixture.store.applyPulledPage(PullResponse(cursor: 42, more: false, epoch: "e1", serverTime: Self.serverStamp()))
        #expect(try fixture.store.syncSettings().cursor == 42)

        try fixture.store.resendAllForNewEpoch("e2")

        let settings = try fixture.store.syncSettings()
        #expect(settings.cursor == 0 && settings.epoch == "e2")
        #expect(try fixture.store.pendingOperations(limit: 10) == [operations[0]])
        #expect(try fixture.store.undeliveredOperations().map(\.state) == [.rejected])
    }

    @Test func loginIsStoredAndForgotten() throws {
        let fixture = try StoreFixture()
        defer { fixture.directory.remove() }
        try fixture.store.saveLogin(server: "http://127.0.0.1:8080", token: "secret", role: "collector")
        try fixture.store.applyPulledPage(PullResponse(cursor: 7, more: false, epoch: "e1", serverTime: Self.serverStamp()))
        let when = Date(timeIntervalSince1970: 1_763_900_000)
        try fixture.store.recordSyncCompleted(at: when)

        var settings = try fixture.store.syncSettings()
        #expect(settings.server == "http://127.0.0.1:8080" && settings.token == "secret" && settings.role == "collector")
        #expect(settings.lastSync == when)
        #expect(settings.device == fixture.store.deviceID)

        // The same server keeps the cursor; another server starts again.
        try fixture.store.saveLogin(server: "http://127.0.0.1:8080", token: "other", role: "organiser")
        #expect(try fixture.store.syncSettings().cursor == 7)
        try fixture.store.saveLogin(server: "http://127.0.0.1:9090", token: "other", role: "organiser")
        settings = try fixture.store.syncSettings()
        #expect(settings.cursor == 0 && settings.epoch == nil)

        try fixture.store.forgetLogin()
        settings = try fixture.store.syncSettings()
        #expect(settings.token == nil && settings.role == nil)
        #expect(!(try fixture.store.status().loggedIn))
    }

    @Test func aPulledPageBringsFormsCampaignsVisitsAndResponses() throws {
        let fixture = try StoreFixture()
        defer { fixture.directory.remove() }
        let newer = doorForm().replacingOccurrences(of: "version: 2", with: "version: 3")
        let visit = VisitEvent(
            visit: Visit(visit: UUID(), campaign: "north", address: "n1", outcome: .refused, note: nil, at: "2025-11-22T10:00:00Z"),
            device: "other-laptop", stamp: Self.serverStamp(-1000)
        )
        let remote = ResponseState(
            id: UUID(), campaign: "north", address: "n2", form: "door", formVersion: "3",
            recordedAt: "2025-11-22T10:05:00Z", device: "other-laptop",
            fields: ["consent": FieldValue(value: .text("yes"), stamp: Self.serverStamp(-500)),
                     "adults": FieldValue(value: nil, stamp: Self.serverStamp(-500))]
        )
        let time = Self.serverStamp(120_000)
        let page = PullResponse(
            cursor: 10, more: true, epoch: "e1", serverTime: time,
            forms: [PublishedForm(id: "door", version: "3", source: newer)],
            campaigns: [CampaignInfo(id: "north", name: "North", form: "door", addresses: [
                WalkListAddress(id: "n1", address: "1 North Road"), WalkListAddress(id: "n2", address: "2 North Road"),
            ])],
            visits: [visit], responses: [remote]
        )

        try fixture.store.applyPulledPage(page)
        try fixture.store.applyPulledPage(page)  // a page applied twice changes nothing more

        #expect(try fixture.store.form(id: "door").version == "3")
        #expect(try fixture.store.addresses(campaign: "north").map(\.status) == [.refused, .surveyed])
        #expect(try fixture.store.status().visits == 1)
        let stored = try fixture.store.response(id: remote.id)
        #expect(stored.fields == remote.fields)
        #expect(stored.answers == ["consent": .text("yes")])
        #expect(stored.delivery.state == .synced)
        #expect(try fixture.store.syncSettings().cursor == 10)
        let clock = try fixture.store.clock()
        #expect((clock.physical, clock.counter) >= (time.physical, time.counter))
        #expect(try fixture.store.pendingCount() == 0)

        // A walk list pulled again replaces the old one.
        let shorter = PullResponse(cursor: 11, more: false, epoch: "e1", serverTime: time, campaigns: [
            CampaignInfo(id: "north", name: "North (revised)", form: "door", addresses: [WalkListAddress(id: "n2", address: "2 North Road")]),
        ])
        try fixture.store.applyPulledPage(shorter)
        #expect(try fixture.store.addresses(campaign: "north").map(\.address.id) == ["n2"])
        #expect(try fixture.store.campaign(id: "north").name == "North (revised)")
    }

    @Test func aPendingLocalEditKeepsItsValueUntilTheServerHasAHigherStamp() throws {
        let fixture = try StoreFixture()
        defer { fixture.directory.remove() }
        let id = try fixture.record(["consent": .text("yes"), "adults": .integer(2), "safe_day": .text("very")])
        let created = try fixture.store.response(id: id)
        try fixture.store.acknowledge(try fixture.store.pendingOperations(limit: 10).map { OperationResult(id: $0.id, status: .applied) })
        try fixture.store.editResponse(id: id) { current in
            var answers = current.answers
            answers["adults"] = .integer(4)
            return answers
        }
        let edited = try fixture.store.response(id: id)

        // Given the server's state, older for `adults` (the edit is not pushed) and newer for `safe_day`
        var fields = created.fields
        fields["safe_day"] = FieldValue(value: .text("not"), stamp: Self.serverStamp())
        let state = ResponseState(
            id: id, campaign: "west", address: "a1", form: "door", formVersion: "2",
            recordedAt: created.recordedAt, device: created.device, fields: fields
        )
        try fixture.store.applyPulledPage(PullResponse(cursor: 1, more: false, epoch: "e1", serverTime: Self.serverStamp(), responses: [state]))

        // Then the local edit stays and the newer server value is taken
        let merged = try fixture.store.response(id: id)
        #expect(merged.fields["adults"] == edited.fields["adults"])
        #expect(merged.answers["safe_day"] == .text("not"))

        // Once the edit is acknowledged, the server's merged state is taken as it is.
        try fixture.store.acknowledge(try fixture.store.pendingOperations(limit: 10).map { OperationResult(id: $0.id, status: .rejected, reason: "No.") })
        try fixture.store.applyPulledPage(PullResponse(cursor: 2, more: false, epoch: "e1", serverTime: Self.serverStamp(), responses: [state]))
        #expect(try fixture.store.response(id: id).fields == state.fields)
    }

    @Test func erasuresRemovePersonalDataFromFieldsAndFromTheOutbox() throws {
        let fixture = try StoreFixture()
        defer { fixture.directory.remove() }
        let id = try fixture.record(["consent": .text("yes"), "name": .text("Ann Resident"), "adults": .integer(1)])
        let created = try fixture.store.response(id: id)

        var fields = created.fields
        fields["name"] = nil
        try fixture.store.applyPulledPage(PullResponse(cursor: 1, more: false, epoch: "e1", serverTime: Self.serverStamp(), responses: [
            ResponseState(
                id: id, campaign: "west", address: "a1", form: "door", formVersion: "2", recordedAt: created.recordedAt,
                device: created.device, fields: fields, erased: .sensitive
            ),
        ]))

        let erased = try fixture.store.response(id: id)
        #expect(erased.erased == .sensitive)
        #expect(erased.answers == ["consent": .text("yes"), "adults": .integer(1)])
        let queue = try DatabaseQueue(path: fixture.databasePath)
        let outbox = try queue.read { db in try String.fetchAll(db, sql: "SELECT operation FROM outbox") }
        #expect(!outbox.joined().contains("Ann Resident"))

        try fixture.store.applyPulledPage(PullResponse(cursor: 2, more: false, epoch: "e1", serverTime: Self.serverStamp(), responses: [
            ResponseState(
                id: id, campaign: "west", address: "a1", form: "door", formVersion: "2", recordedAt: created.recordedAt,
                device: created.device, fields: [:], erased: .all
            ),
        ]))
        #expect(try fixture.store.response(id: id).fields.isEmpty)
        #expect(try fixture.store.response(id: id).erased == .all)
        #expect(throws: ClientStoreError.responseErased(id)) { try fixture.store.editResponse(id: id) { $0.answers } }
    }

    @Test func aPageFromAnotherEpochIsRefusedWhole() throws {
        let fixture = try StoreFixture()
        defer { fixture.directory.remove() }
        try fixture.store.applyPulledPage(PullResponse(cursor: 5, more: false, epoch: "e1", serverTime: Self.serverStamp()))
        let page = PullResponse(
            cursor: 9, more: false, epoch: "e2", serverTime: Self.serverStamp(),
            campaigns: [CampaignInfo(id: "south", name: "South", form: "door", addresses: walkList)]
        )
        #expect(throws: ClientStoreError.epochMismatch(stored: "e1", received: "e2")) { try fixture.store.applyPulledPage(page) }
        #expect(try fixture.store.syncSettings().cursor == 5)
        #expect(throws: ClientStoreError.unknownCampaign("south")) { try fixture.store.campaign(id: "south") }
    }

    @Test func observingTheServerMovesTheClockPastIt() throws {
        let fixture = try StoreFixture()
        defer { fixture.directory.remove() }
        let ahead = Self.serverStamp(3_600_000, counter: 7)
        try fixture.store.observeServerTime(ahead)
        let id = try fixture.record(["consent": .text("no")])
        #expect(try #require(try fixture.store.response(id: id).fields["consent"]).stamp > ahead)
    }
}
