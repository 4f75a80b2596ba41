import DoorstepCore
import DoorstepStore
import DoorstepTestSupport
import Foundation
import Testing

/// Ids as people type them: any case, or a unique prefix of 8 or more characters.
@Suite("Client store: ids by prefix")
struct IDLookupTests {
    @Test func aWholeIdInAnyCaseOrAPrefixNamesTheResponse() throws {
        let fixture = try StoreFixture()
        defer { fixture.directory.remove() }
        let id = try fixture.record(["consent": .text("no")])
        try fixture.record(["consent": .text("no")], at: "a2")
        let printed = id.lowercasedString
        #expect(printed == id.uuidString.lowercased())
        for typed in [printed, id.uuidString, String(printed.prefix(8)), String(id.uuidString.prefix(13)), " \(printed.prefix(10)) "] {
            #expect(try fixture.store.resolve(IDPrefix(typed, kind: .response)) == id, "\(typed)")
        }
    }

    @Test func shortOrForeignTextIsNotAnId() {
        #expect(throws: IDLookupError.tooShort("4582e4d", kind: .response)) { try IDPrefix("4582E4D", kind: .response) }
        #expect(throws: IDLookupError.notAnID("not-an-id", kind: .response)) { try IDPrefix("not-an-id", kind: .response) }
        #expect(throws: IDLookupError.notAnID("", kind: .draft)) { try IDPrefix("", kind: .draft) }
        #expect("\(IDLookupError.tooShort("4582e4d", kind: .conflict))".contains("at least 8"))
    }

    @Test func anAmbiguousPrefixListsTheMatchesAndAnUnknownOneIsNotFound() throws {
        let fixture = try StoreFixture()
        defer { fixture.directory.remove() }
        // Two drafts whose ids share their first 8 characters
        let first = try #require(UUID(uuidString: "4582E4DC-0000-4000-8000-000000000001"))
        let second = try #require(UUID(uuidString: "4582E4DC-0000-4000-8000-000000000002"))
        for (id, door) in [(first, "a1"), (second, "a2")] {
            try fixture.store.saveDraft(Draft(id: id, campaign: "west", address: door, form: "door", formVersion: "2"))
        }

        #expect(throws: IDLookupError.ambiguous(
            "4582e4dc", kind: .draft, matches: [first.lowercasedString, second.lowercasedString]
        )) { try fixture.store.resolve(IDPrefix("4582E4DC", kind: .draft)) }
        #expect(try fixture.store.resolve(IDPrefix("4582e4dc-0000-4000-8000-000000000002", kind: .draft)) == second)
        #expect(throws: IDLookupError.noMatch("4582e4dd", kind: .draft)) { try fixture.store.resolve(IDPrefix("4582e4dd", kind: .draft)) }
        #expect(throws: IDLookupError.noMatch("4582e4dc", kind: .response)) { try fixture.store.resolve(IDPrefix("4582e4dc", kind: .response)) }
    }

    @Test func conflictIdsAreMatchedAmongTheServersList() throws {
        let open = ["4582e4dc9f1a22b3c4d5e6f7", "4582e4dc00aa22b3c4d5e6f7", "77aa00bb11cc22dd33ee44ff"]
        #expect(try IDPrefix("77AA00BB", kind: .conflict).match(open) { $0 } == "77aa00bb11cc22dd33ee44ff")
        #expect(throws: IDLookupError.ambiguous("4582e4dc", kind: .conflict, matches: [open[1], open[0]])) {
            try IDPrefix("4582e4dc", kind: .conflict).match(open) { $0 }
        }
        #expect("\(IDLookupError.noMatch("abcdef12", kind: .conflict))" == "There is no open conflict abcdef12; see doorstep conflicts.")
    }
}
