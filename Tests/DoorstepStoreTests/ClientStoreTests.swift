import DoorstepCore
import DoorstepWire
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
            #expect(migrations == [
                "v1-client-store", "v2-outbox-index-without-state", "v3-outbox-held-and-discarded",
                "v4-visits-declined-outcome", "v5-door-outcomes", "v6-one-draft-per-door", "v7-added-addresses", "v8-retention",
                "v9-agency-keys-and-worklist",
            ])
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
        draft.position = .question("safe_day")
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

    @Test("A door has one draft: a second is refused until the first is put aside, and a draft stopped at the review resumes there")
    func oneDraftPerDoor() throws {
        let fixture = try StoreFixture()
        defer { fixture.directory.remove() }
        var first = Draft(campaign: "west", address: "a2", form: "door", formVersion: "2", answers: ["consent": .text("yes")])
        first.position = .review
        first = try fixture.store.saveDraft(first)
        #expect(try fixture.store.draft(id: first.id).position == .review)
        #expect(try fixture.store.draft(campaign: "west", address: "a2")?.id == first.id)

        // A second draft for the door, typed in another case, is refused and nothing is stored.
        let second = Draft(campaign: "WEST", address: "A2", form: "door", formVersion: "2")
        #expect(throws: ClientStoreError.draftExists(campaign: "west", address: "a2", draft: first.id)) {
            try fixture.store.saveDraft(second)
        }
        #expect(try fixture.store.drafts().map(\.id) == [first.id])

        // Put aside, the first stays listed as superseded, unchanged; the door takes a new draft.
        try fixture.store.supersedeDraft(id: first.id)
        let saved = try fixture.store.saveDraft(second)
        #expect(saved.address == "a2" && saved.campaign == "west")
        #expect(try fixture.store.drafts().map(\.id) == [second.id])
        #expect(try fixture.store.supersededDrafts().map(\.draft) == [first])
        #expect(throws: ClientStoreError.unknownDraft(first.id)) { try fixture.store.supersedeDraft(id: first.id) }
    }

    @Test("Upgrading a store that holds two drafts of one door keeps the latest and moves the other to superseded drafts")
    func upgradeMovesDuplicateDrafts() throws {
        let fixture = try StoreFixture()
        defer { fixture.directory.remove() }
        // Make the store as version 5 of the schema left it: no superseded table, no one-per-door index.
        let queue = try DatabaseQueue(path: fixture.databasePath)
        try queue.write { db in
            try db.execute(sql: """
                DROP INDEX drafts_one_per_door;
                DROP TABLE superseded_drafts;
                ALTER TABLE drafts DROP COLUMN at_review;
                DELETE FROM grdb_migrations WHERE identifier = 'v6-one-draft-per-door';
                INSERT INTO drafts (id, campaign, address, form, form_version, answers, position, started_at, updated_at) VALUES
                    ('00000000-0000-0000-0000-00000000000A', 'west', 'a2', 'door', '2', '{"consent":"yes"}', NULL,
                        '2026-06-06T10:00:00Z', '2026-06-06T10:05:00Z'),
                    ('00000000-0000-0000-0000-00000000000B', 'west', 'a2', 'door', '2', '{}', 'consent',
                        '2026-06-06T11:00:00Z', '2026-06-06T11:00:00Z'),
                    ('00000000-0000-0000-0000-00000000000C', 'west', 'a3', 'door', '2', '{}', NULL,
                        '2026-06-06T09:00:00Z', '2026-06-06T09:00:00Z');
                """)
        }
        try queue.close()
        let store = try ClientStore(home: fixture.directory.appending("home"))
        #expect(try store.drafts().map { $0.id.uuidString.suffix(1) } == ["B", "C"])
        let aside = try store.supersededDrafts()
        #expect(aside.map { $0.draft.id.uuidString.suffix(1) } == ["A"])
        #expect(aside.first?.draft.answers == ["consent": .text("yes")])
    }

    @Test("Address and campaign ids are read in any case; ids that differ only in case must be typed exactly")
    func idsInAnyCase() throws {
        let fixture = try StoreFixture()
        defer { fixture.directory.remove() }
        #expect(try fixture.store.address(campaign: "WEST", id: "A1").id == "a1")
        let visit = try fixture.store.recordVisit(campaign: "West", address: "A1", outcome: .noAnswer, note: nil)
        #expect(visit.campaign == "west" && visit.address == "a1")
        let id = try fixture.store.recordResponse(
            campaign: "WEST", address: "A3", form: fixture.form, answers: ["consent": .text("no")], safeguarding: false
        )
        #expect(try fixture.store.response(id: id).address == "a3")

        try fixture.store.addCampaign(CampaignInfo(id: "east", name: "East", form: "door", addresses: [
            WalkListAddress(id: "Ab-1", address: "1 East Road"), WalkListAddress(id: "aB-1", address: "1 East Row"),
        ]))
        #expect(try fixture.store.address(campaign: "east", id: "aB-1").address == "1 East Row")
        #expect(throws: ClientStoreError.ambiguousID(kind: "address", typed: "ab-1", matches: ["Ab-1", "aB-1"])) {
            try fixture.store.recordVisit(campaign: "east", address: "ab-1", outcome: .noAnswer, note: nil)
        }
    }

    @Test("Do not contact holds over every later knock and response; moved, empty and a call-back show as such")
    func doorOutcomes() throws {
        let fixture = try StoreFixture()
        defer { fixture.directory.remove() }
        try fixture.store.recordVisit(campaign: "west", address: "a1", outcome: .doNotContact, note: nil)
        try fixture.store.recordVisit(campaign: "west", address: "a1", outcome: .noAnswer, note: nil)
        try fixture.store.recordVisit(campaign: "west", address: "a2", outcome: .revisit, note: nil, callBack: "after 6pm")
        try fixture.store.recordVisit(campaign: "west", address: "a3", outcome: .moved, note: nil)
        var doors = try fixture.store.addresses(campaign: "west")
        #expect(doors.map(\.status) == [.doNotContact, .revisit, .moved])
        #expect(doors.map(\.callBack) == [nil, "after 6pm", nil])
        #expect(doors.map(\.status.isToDo) == [false, true, false])
        try fixture.store.recordVisit(campaign: "west", address: "a3", outcome: .empty, note: nil)
        try fixture.store.recordVisit(campaign: "west", address: "a2", outcome: .noAnswer, note: nil)
        doors = try fixture.store.addresses(campaign: "west")
        #expect(doors.map(\.status) == [.doNotContact, .noAnswer, .empty])
        #expect(doors[1].callBack == nil)
        let operations = try fixture.store.pendingOperations(limit: 10)
        #expect(operations.contains { if case .recordVisit(let visit) = $0.body { visit.callBack == "after 6pm" } else { false } })
    }

    @Test("A door added on the day goes after the list with its operation, survives a pulled walk list until delivered, and refuses a listed id")
    func addedDoors() throws {
        let fixture = try StoreFixture()
        defer { fixture.directory.remove() }
        let door = WalkListAddress(id: "new-1a2b3c", address: "14a Oak Street", street: "Oak Street", notes: ["notes": "Side door"])
        let added = try fixture.store.addAddress(campaign: "WEST", door: door)
        #expect(added.addedBy == "this laptop")
        #expect(try fixture.store.addresses(campaign: "west").map(\.address.id) == ["a1", "a2", "a3", "new-1a2b3c"])
        let operation = try #require(try fixture.store.pendingOperations(limit: 10).last)
        #expect(operation.body == .addAddress(NewAddress(campaign: "west", door: door)))

        #expect(throws: ClientStoreError.addressExists(campaign: "west", address: "a1")) {
            try fixture.store.addAddress(campaign: "west", door: WalkListAddress(id: "A1", address: "Elsewhere"))
        }
        #expect(throws: ClientStoreError.self) {
            try fixture.store.addAddress(campaign: "west", door: WalkListAddress(id: "has space", address: "1 Road"))
        }
        #expect(try fixture.store.pendingCount() == 1)

        // A walk list pulled before the door was delivered does not remove it.
        let server = try #require(HLCTimestamp("0001763910853000-0000-server"))
        let listed = CampaignInfo(id: "west", name: "West End day", form: "door", date: "2025-11-22", addresses: walkList)
        try fixture.store.applyPulledPage(PullResponse(cursor: 1, more: false, epoch: "e1", serverTime: server, campaigns: [listed]))
        #expect(try fixture.store.addresses(campaign: "west").map(\.address.id) == ["a1", "a2", "a3", "new-1a2b3c"])
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
