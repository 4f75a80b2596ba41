import DoorstepCore
import DoorstepStore
import DoorstepTestSupport
import Foundation
import GRDB
import Testing

@Suite("Client store")
struct ClientStoreTests {
    @Test func createsAPrivateHomeAndADurableDatabase() throws {
        // Given a home folder that does not exist yet
        let fixture = try StoreFixture()
        defer { fixture.directory.remove() }

        // Then it was created 0700, the database 0600, in WAL mode with synchronous=FULL
        let files = FileManager.default
        let homeMode = try files.attributesOfItem(atPath: fixture.store.home.path)[.posixPermissions] as? Int
        let fileMode = try files.attributesOfItem(atPath: fixture.databasePath)[.posixPermissions] as? Int
        #expect(homeMode == 0o700)
        #expect(fileMode == 0o600)
        let queue = try DatabaseQueue(path: fixture.databasePath)
        try queue.read { db in
            #expect(try String.fetchOne(db, sql: "PRAGMA journal_mode") == "wal")
            let migrations = try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
            #expect(migrations == ["v1-client-store", "v2-outbox-index-without-state", "v3-outbox-held-and-discarded", "v4-visits-declined-outcome"])
        }
    }

    @Test func refusesAHomeThatIsAFile() throws {
        let directory = try TemporaryDirectory("store")
        defer { directory.remove() }
        let file = try directory.write("not a folder", to: "home")
        #expect(throws: ClientStoreError.homeUnusable(path: file, reason: "it is a file, not a folder")) {
            try ClientStore(home: URL(fileURLWithPath: file))
        }
    }

    @Test func keepsItsDeviceIdAndClockAcrossRestarts() throws {
        // Given a store whose wall clock is stuck in 2025
        let stuck = Date(timeIntervalSince1970: 1_763_900_000)
        let fixture = try StoreFixture(now: { stuck })
        defer { fixture.directory.remove() }
        let first = try fixture.record(["consent": .text("no")])
        let firstStamp = try #require(try fixture.store.response(id: first).fields["consent"]?.stamp)

        // When it is reopened with a clock that went backwards an hour
        let reopened = try ClientStore(home: fixture.store.home, now: { stuck.addingTimeInterval(-3600) })
        let second = try reopened.recordResponse(
            campaign: "west", address: "a2", form: fixture.form, answers: ["consent": .text("no")], safeguarding: false
        )

        // Then the device is the same and its stamps still go forward
        #expect(reopened.deviceID == fixture.store.deviceID)
        let secondStamp = try #require(try reopened.response(id: second).fields["consent"]?.stamp)
        #expect(secondStamp > firstStamp)
        #expect(secondStamp.node == fixture.store.deviceID)
        #expect(try reopened.clock() >= secondStamp)
    }

    @Test func formVersionsAreImmutableAndOrderedNaturally() throws {
        let fixture = try StoreFixture()
        defer { fixture.directory.remove() }
        #expect(try fixture.store.addForm(fixture.form, source: doorForm()) == .alreadyPresent)
        #expect(throws: ClientStoreError.formVersionExists(id: "door", version: "2")) {
            try fixture.store.addForm(fixture.form, source: doorForm() + "\n# changed\n")
        }
        let ten = doorForm().replacingOccurrences(of: "version: 2", with: "version: 10")
        try fixture.store.addForm(try FormDefinition.parse(yaml: ten), source: ten)
        #expect(try fixture.store.form(id: "door").version == "10")
        #expect(try fixture.store.forms().map(\.version) == ["2", "10"])
        #expect(FormVersionOrder.precedes("2025-03-01", "2025-11-01"))
        #expect(!FormVersionOrder.precedes("3", "3"))
        #expect(throws: ClientStoreError.unknownForm(id: "nope", version: nil)) { try fixture.store.form(id: "nope") }
    }

    @Test func recordingAResponseWritesItsFieldsItsOperationAndASurveyedKnockTogether() throws {
        let fixture = try StoreFixture()
        defer { fixture.directory.remove() }

        let id = try fixture.record(["consent": .text("yes"), "problems": .list(["drugs", "bins"]), "adults": .integer(2)])

        let response = try fixture.store.response(id: id)
        #expect(response.answers == ["consent": .text("yes"), "problems": .list(["drugs", "bins"]), "adults": .integer(2)])
        #expect(Set(response.fields.values.map(\.stamp)).count == 1)
        #expect(response.delivery.pending == 1 && response.delivery.state == .pending)
        let operations = try fixture.store.pendingOperations(limit: 10)
        #expect(operations.map(\.kind) == ["response.create", "visit"])
        guard case .createResponse(let created) = operations[0].body else { Issue.record("not a create"); return }
        #expect(created.response == id)
        #expect(created.answers == response.answers)
        #expect(operations[0].stamp == response.fields["consent"]?.stamp)
        #expect(try fixture.store.addresses(campaign: "west").first?.status == .surveyed)

        // A second response at the same door adds no second surveyed knock.
        try fixture.record(["consent": .text("no")])
        #expect(try fixture.store.pendingOperations(limit: 10).map(\.kind) == ["response.create", "visit", "response.create"])
    }

    @Test func refusesUnknownDoorsAndWritesNothing() throws {
        let fixture = try StoreFixture()
        defer { fixture.directory.remove() }
        #expect(throws: ClientStoreError.unknownAddress(campaign: "west", address: "zz")) {
            try fixture.record(["consent": .text("no")], at: "zz")
        }
        #expect(throws: ClientStoreError.unknownCampaign("east")) {
            try fixture.store.recordVisit(campaign: "east", address: "a1", outcome: .refused, note: nil)
        }
        #expect(try fixture.store.pendingCount() == 0)
        #expect(try fixture.store.responses().isEmpty)
    }

    @Test func doorStatusFollowsTheLatestKnockAndSurveyedSticks() throws {
        let fixture = try StoreFixture()
        defer { fixture.directory.remove() }
        try fixture.store.recordVisit(campaign: "west", address: "a1", outcome: .noAnswer, note: nil)
        try fixture.store.recordVisit(campaign: "west", address: "a1", outcome: .cardLeft, note: "Card through the door")
        try fixture.store.recordVisit(campaign: "west", address: "a2", outcome: .surveyed, note: nil)
        try fixture.store.recordVisit(campaign: "west", address: "a2", outcome: .revisit, note: nil)

        let doors = try fixture.store.addresses(campaign: "west")
        #expect(doors.map(\.status) == [.cardLeft, .surveyed, .notVisited])
        #expect(doors.map(\.visits) == [2, 2, 0])
        #expect(doors[0].lastNote == "Card through the door")
        #expect(doors[0].address == walkList[0])
    }

    @Test func campaignsCountTheirDoorsAndResponses() throws {
        let fixture = try StoreFixture()
        defer { fixture.directory.remove() }
        try fixture.record(["consent": .text("no")])
        let campaigns = try fixture.store.campaigns()
        #expect(campaigns.map(\.campaign.id) == ["west"])
        #expect(campaigns.first?.addresses == 3)
        #expect(campaigns.first?.responses == 1)
        #expect(throws: ClientStoreError.campaignExists("west")) {
            try fixture.store.addCampaign(CampaignInfo(id: "west", name: "Again", form: "door", addresses: walkList))
        }
        #expect(throws: ClientStoreError.unknownForm(id: "other", version: nil)) {
            try fixture.store.addCampaign(CampaignInfo(id: "east", name: "East", form: "other", addresses: walkList))
        }
    }

    @Test func editingWritesChangedFieldsWithTheirBaseStamps() throws {
        let fixture = try StoreFixture()
        defer { fixture.directory.remove() }
        let id = try fixture.record(["consent": .text("yes"), "adults": .integer(2), "safe_day": .text("very")])
        let before = try fixture.store.response(id: id)

        let update = try #require(try fixture.store.editResponse(id: id) { current in
            var answers = current.answers
            answers["adults"] = .integer(3)
            answers["safe_day"] = nil
            return answers
        })

        #expect(update.fields.map(\.name) == ["adults", "safe_day"])
        #expect(update.fields.allSatisfy { $0.base == before.fields[$0.name]?.stamp })
        #expect(update.fields.map(\.value) == [.integer(3), nil])
        let after = try fixture.store.response(id: id)
        #expect(after.answers == ["consent": .text("yes"), "adults": .integer(3)])
        #expect(after.fields["consent"]?.stamp == before.fields["consent"]?.stamp)
        let newStamp = try #require(after.fields["adults"]?.stamp)
        #expect(newStamp > before.fields["adults"]!.stamp)
        #expect(after.fields["safe_day"]?.stamp == newStamp)
        let operations = try fixture.store.pendingOperations(limit: 10)
        #expect(operations.last?.body == .updateResponse(update))
        #expect(operations.last?.stamp == newStamp)

        // An edit that changes nothing, or one that fails, writes nothing.
        #expect(try fixture.store.editResponse(id: id) { $0.answers } == nil)
        struct Refused: Error {}
        #expect(throws: Refused.self) { try fixture.store.editResponse(id: id) { _ in throw Refused() } }
        #expect(try fixture.store.pendingCount() == operations.count)
    }

    @Test func draftsAreSavedListedAndDiscarded() throws {
        let fixture = try StoreFixture()
        defer { fixture.directory.remove() }
        var draft = Draft(campaign: "west", address: "a2", form: "door", formVersion: "2")
        draft.answers = ["consent": .text("yes")]
        draft.position = "safe_day"
        let saved = try fixture.store.saveDraft(draft)
        #expect(!saved.startedAt.isEmpty)
        #expect(try fixture.store.draft(id: draft.id) == saved)
        #expect(try fixture.store.drafts().map(\.id) == [draft.id])

        // Saving the response the draft became removes the draft in the same transaction.
        try fixture.store.recordResponse(
            campaign: "west", address: "a2", form: fixture.form, answers: draft.answers, safeguarding: false, draft: draft.id
        )
        #expect(try fixture.store.drafts().isEmpty)
        #expect(throws: ClientStoreError.unknownDraft(draft.id)) { try fixture.store.deleteDraft(id: draft.id) }
        #expect(throws: ClientStoreError.unknownAddress(campaign: "west", address: "nowhere")) {
            try fixture.store.saveDraft(Draft(campaign: "west", address: "nowhere", form: "door", formVersion: "2"))
        }
    }

    @Test func statusCountsTheOutboxAndWhatTheLaptopHolds() throws {
        let fixture = try StoreFixture()
        defer { fixture.directory.remove() }
        try fixture.record(["consent": .text("yes"), "concern": .text("yes")], safeguarding: true)
        try fixture.store.recordVisit(campaign: "west", address: "a2", outcome: .refused, note: nil)
        let status = try fixture.store.status()
        #expect(status.pending == 3)
        #expect(status.urgent == 1)
        #expect(status.sent == 0)
        #expect(status.lastSync == nil)
        #expect(status.responses == 1)
        #expect(status.visits == 2)
        #expect(status.campaigns == 1)
        #expect(status.forms == 1)
        #expect(!status.loggedIn)
    }
}
