import DoorstepCore
import DoorstepWire
@testable import DoorstepServer
import Foundation
import GRDB
import Testing

/// The pull page is written by hand from the stored rows; a device must read exactly the states
/// the rows hold, as `JSONEncoder` wrote them before.
@Suite("Pull pages written from the stored rows")
struct PullPageTests {
    /// Free text that needs escapes or is not ASCII.
    static let awkwardTexts = [
        "She said \"not after dark\"", "back\\slash and /slash", "two\nlines\tand a tab", "bell \u{07} and \u{1F}",
        "café, naïve, 😀, \u{2028} and \u{7F}", "Street lights out on Mill Lane", "",
    ]

    /// Pushes creates, corrections of the first two (one clearing a field), and erasures of the
    /// last two (personal answers, everything).
    private func populate(_ fixture: ServerFixture) async throws -> (identity: Identity, ids: [UUID]) {
        let identity = try #require(try await fixture.database.identity(forToken: fixture.token(.organiser)))
        var operations: [SyncOperation] = []
        var ids: [UUID] = []
        for (index, comment) in Self.awkwardTexts.enumerated() {
            let id = UUID()
            ids.append(id)
            var answers: Answers = ["safe": .text("fairly"), "worries": .list(["drugs", "fires"]), "age": .integer(30 + index)]
            if !comment.isEmpty { answers["comment"] = .text(comment) }
            answers["phone"] = .text("01632 96012\(index)")
            operations.append(Ops.create(id, answers: answers, stamp: Ops.stamp(Int64(index), "d1")))
        }
        operations.append(Ops.update(ids[0], [
            FieldChange(name: "safe", value: .text("not"), base: Ops.stamp(0, "d1")),
            FieldChange(name: "comment", value: nil, base: Ops.stamp(0, "d1")),
            FieldChange(name: "worries", value: .list(["fires"]), base: Ops.stamp(0, "d1")),
        ], stamp: Ops.stamp(100, "d2")))
        operations.append(Ops.update(ids[1], [
            FieldChange(name: "comment", value: .text("line one\nline \"two\""), base: Ops.stamp(1, "d1")),
        ], stamp: Ops.stamp(101, "d2")))
        operations.append(Ops.erase(ids[ids.count - 2], scope: .sensitive, stamp: Ops.stamp(102, "d2")))
        operations.append(Ops.erase(ids[ids.count - 1], scope: .all, stamp: Ops.stamp(103, "d2")))
        operations.append(Ops.visit(stamp: Ops.stamp(104, "d2")))
        let answer = try await fixture.database.push(PushRequest(device: "d2", operations: operations), by: identity, maxClockDrift: .seconds(300))
        #expect(answer.results.allSatisfy { $0.status == .applied }, "\(answer.results)")
        return (identity, ids)
    }

    /// Every page of `limit` items, checked on the way: the fast decoder reads what `JSONDecoder`
    /// reads, and every response reads as `JSONEncoder` wrote its row's state.
    private func pullAll(_ fixture: ServerFixture, _ identity: Identity, limit: Int, device: String? = nil) async throws -> [PullResponse] {
        var pages: [PullResponse] = []
        var cursor: Int64 = 0
        for _ in 0..<100 {
            let json = Data(try await fixture.database.pullPage(after: cursor, limit: limit, for: identity, device: device))
            let page = try PullResponse.decode(json: json)
            #expect(try page == JSONDecoder().decode(PullResponse.self, from: json))
            for state in page.responses {
                // What `JSONEncoder` made of the row's state, as a device reads it.
                let row = try await fixture.database.store.read { db in try ResponseRow.fetch(db, id: state.id.uuidString) }
                let encoded = try JSONEncoder().encode(try #require(row).state)
                #expect(try state == JSONDecoder().decode(ResponseState.self, from: encoded))
            }
            #expect(page.forms.count + page.campaigns.count + page.visits.count + page.responses.count <= limit)
            pages.append(page)
            cursor = page.cursor
            if !page.more { break }
        }
        return pages
    }

    @Test func everyResponseReadsAsItsRowHoldsIt() async throws {
        // Given responses with awkward text, corrections, a cleared field and erasures
        let fixture = try ServerFixture()
        let (identity, created) = try await populate(fixture)

        // When an organiser pulls everything, in pages of several sizes
        for limit in [1, 2, 5, 1_000] {
            let pages = try await pullAll(fixture, identity, limit: limit)

            // Then every response comes once, in change order, as its row holds it
            let ids = try await fixture.database.store.read { db in
                try String.fetchAll(db, sql: "SELECT id FROM responses ORDER BY changed_seq")
            }
            #expect(pages.flatMap(\.responses).map(\.id.uuidString) == ids, "limit \(limit)")
            #expect(pages.flatMap(\.visits).count == 1)
            #expect(pages.flatMap(\.forms).count == 1)
            #expect(pages.flatMap(\.campaigns).count == 1)
            let states = Dictionary(uniqueKeysWithValues: pages.flatMap(\.responses).map { ($0.id.uuidString, $0) })
            let corrected = try #require(states[created[0].uuidString])
            #expect(corrected.fields["comment"] == FieldValue(value: nil, stamp: Ops.stamp(100, "d2")))
            #expect(corrected.fields["safe"]?.value == .text("not"))
            #expect(corrected.fields["worries"]?.value == .list(["fires"]))
            #expect(corrected.fields["age"] == FieldValue(value: .integer(30), stamp: Ops.stamp(0, "d1")))
            #expect(states[created[1].uuidString]?.fields["comment"]?.value == .text("line one\nline \"two\""))
            let personal = try #require(states[created[created.count - 2].uuidString])
            #expect(personal.erased == .sensitive && personal.fields["phone"] == nil && personal.fields["safe"] != nil)
            let whole = try #require(states[created[created.count - 1].uuidString])
            #expect(whole.erased == .all && whole.fields.isEmpty)
            for text in Self.awkwardTexts.dropFirst(2).dropLast() {
                #expect(states.values.contains { $0.fields["comment"]?.value == .text(text) }, "\(text)")
            }
        }
    }

    @Test func rowsTheCopyDoesNotVouchForAreWrittenFromTheirState() async throws {
        // Given rows whose stored JSON the copy does not vouch for: a decimal, spaces, a surrogate
        // pair escape and a JSON null value, a stamp that does not read back the same, a number
        // in a list
        let fixture = try ServerFixture()
        let identity = try await populate(fixture).identity
        let stamp = Ops.stamp(5, "d9", counter: 10).description
        let uppercaseStamp = stamp.replacingOccurrences(of: "-000a-", with: "-000A-")
        let rows: [(answers: String, fields: String?, stamp: String?)] = [
            (#"{"age":2.5,"safe":"very"}"#, nil, nil),
            (#"{ "safe": "very" }"#, nil, nil),
            (#"{"safe":"very"}"#, #"{"comment":{"stamp":"\#(stamp)","value":"\ud83d\ude00"},"safe":{"stamp":"\#(stamp)","value":null}}"#, nil),
            (#"{"comment":"\ud83d\ude00","safe":"very"}"#, nil, nil),
            (#"{"safe":"very"}"#, #"{"safe":{"stamp":"\#(uppercaseStamp)","value":"very"}}"#, nil),
            (#"{"age":1e3,"worries":["drugs",3]}"#, nil, nil),
        ]
        try await fixture.database.store.write { db in
            let ids = try String.fetchAll(db, sql: "SELECT id FROM responses ORDER BY changed_seq")
            #expect(ids.count >= rows.count)
            for (row, id) in zip(rows, ids) {
                try db.execute(
                    sql: "UPDATE responses SET answers_json = ?, fields_json = ?, stamp = coalesce(?, stamp) WHERE id = ?",
                    arguments: [row.answers, row.fields, row.stamp, id]
                )
            }
        }

        // When pulled, Then each response still reads as its row's state
        _ = try await pullAll(fixture, identity, limit: 3)
        _ = try await pullAll(fixture, identity, limit: 1_000, device: "d1")
    }

    @Test func aStoredResponseThatDoesNotReadFailsLoudlyAndIsNotMergedOver() async throws {
        // Given a response whose stored stamp was damaged outside the server
        let fixture = try ServerFixture()
        let (identity, ids) = try await populate(fixture)
        try await fixture.database.store.write { db in
            try db.execute(sql: "UPDATE responses SET stamp = 'not a stamp' WHERE id = ?", arguments: [ids[2].uuidString])
        }
        let before = try await fixture.database.store.read { db in
            try SQLRow.fetchOne(db, sql: "SELECT answers_json, fields_json, changed_seq FROM responses WHERE id = ?", arguments: [ids[2].uuidString])
        }

        // When it is pulled, Then the pull fails naming the damage, rather than sending it empty
        await #expect(throws: UnreadableStoredText.self) {
            _ = try await fixture.database.pullPage(after: 0, limit: 1_000, for: identity)
        }
        // When a correction to it is pushed, Then the push fails and nothing is written over it
        let correction = Ops.update(ids[2], [FieldChange(name: "safe", value: .text("not"), base: Ops.stamp(2, "d1"))], stamp: Ops.stamp(200, "d2"))
        await #expect(throws: UnreadableStoredText.self) {
            _ = try await fixture.database.push(PushRequest(device: "d2", operations: [correction]), by: identity, maxClockDrift: .seconds(300))
        }
        let after = try await fixture.database.store.read { db in
            try SQLRow.fetchOne(db, sql: "SELECT answers_json, fields_json, changed_seq FROM responses WHERE id = ?", arguments: [ids[2].uuidString])
        }
        #expect(after == before)
        #expect(try fixture.count("operations", where: "id = '\(correction.id.uuidString)'") == 0)
    }
}
