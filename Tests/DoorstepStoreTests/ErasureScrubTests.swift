import DoorstepCore
import DoorstepWire
import DoorstepStore
import DoorstepTestSupport
import Foundation
import Testing

/// An erased answer must leave the laptop's files, not only its tables: SQLite keeps old pages in
/// the WAL until a checkpoint, and deleted text in free space unless `secure_delete` is on.
@Suite("Client store: erasure leaves no copy in the files")
struct ErasureScrubTests {
    @Test func erasedNameIsInNeitherTheDatabaseNorTheWAL() throws {
        let fixture = try StoreFixture()
        defer { fixture.directory.remove() }
        let name = "Philomena Quagliarello"
        let id = try fixture.record(["consent": .text("yes"), "safe_day": .text("fairly"), "adults": .integer(2), "name": .text(name)])
        let files = [fixture.databasePath, fixture.databasePath + "-wal"]
        func holdsName() throws -> Bool {
            try files.contains { path in
                guard FileManager.default.fileExists(atPath: path) else { return false }
                return try Data(contentsOf: URL(fileURLWithPath: path)).range(of: Data(name.utf8)) != nil
            }
        }
        #expect(try holdsName(), "the answer was not stored where this test looks")

        try fixture.store.eraseResponse(id: id, scope: .sensitive, reason: nil)

        #expect(try !holdsName())
    }
}
