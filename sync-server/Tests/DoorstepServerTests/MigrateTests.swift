import DoorstepCore
import DoorstepServer
import DoorstepTestSupport
import DoorstepWire
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// `doorstep-server migrate`: an embedded deployment copied into PostgreSQL serves the same.
@Suite(
    "Moving up: an embedded deployment copied into PostgreSQL",
    .enabled(if: TestStore.isPostgres, "needs PostgreSQL: scripts/test starts a throwaway cluster, or set DOORSTEP_TEST_POSTGRES")
)
struct MigrateTests {
    @Test("migrate copies every table and checks it; the copy answers every pull, token and cursor as the original did")
    func theCopyServesTheSame() async throws {
        // Given an embedded deployment with responses, a conflict, an erasure, knocks and a snapshot
        let fixture = try ServerFixture(store: .embeddedOnly)
        let (first, second, third) = (UUID(), UUID(), UUID())
        try await fixture.app.test(.router) { client in
            let collector = fixture.token(.collector)
            _ = try await client.push([
                Ops.create(first, answers: ["safe": .text("very"), "phone": .text("0777")], stamp: Ops.stamp(0, "laptop-a")),
                Ops.create(second, address: "a2", answers: ["safe": .text("not")], stamp: Ops.stamp(1, "laptop-a")),
                Ops.create(third, address: "a3", answers: ["safe": .text("fairly")], stamp: Ops.stamp(2, "laptop-a")),
                Ops.visit(address: "a1", outcome: .surveyed, stamp: Ops.stamp(3, "laptop-a")),
            ], token: collector, device: "laptop-a")
            let base = Ops.stamp(0, "laptop-a")
            _ = try await client.push([
                Ops.update(first, [FieldChange(name: "safe", value: .text("fairly"), base: base)], stamp: Ops.stamp(10, "laptop-a")),
            ], token: collector, device: "laptop-a")
            _ = try await client.push([
                Ops.update(first, [FieldChange(name: "safe", value: .text("not"), base: base)], stamp: Ops.stamp(11, "laptop-o")),
                Ops.erase(second, scope: .all, stamp: Ops.stamp(12, "laptop-o")),
            ], token: fixture.token(.organiser), device: "laptop-o")
            #expect(try await client.send(.post, "/v1/campaigns/\(ServerFixture.campaign)/snapshots", token: fixture.token(.organiser)).status == .created)
        }
        let original = try await Self.pages(fixture.app, token: fixture.token(.organiser))
        let before = try await fixture.database.conflicts(campaign: nil)
        #expect(before.count == 1)
        try fixture.database.close()

        // When it is migrated into an empty PostgreSQL database
        let target = try TemporaryDirectory("migrated")
        let location = try PostgresLocation(url: TestStore.databaseURL(forData: target.path))
        let migration = try ServerDatabase.migrate(from: fixture.directory.url, to: location)
        let counted = Dictionary(migration.rows.map { ($0.table, $0.count) }, uniquingKeysWith: { $1 })
        #expect(counted["responses"] == 3)
        #expect(counted["operations"] == 7)
        #expect(counted["snapshots"] == 1)
        #expect(counted["conflicts"] == 1)

        // Then the copy answers the same pages to the same token, keeps the epoch and the
        // conflict, takes new work after the copied numbers, and refuses a second migration
        let copy = try ServerDatabase(location: .postgres(location))
        var configuration = fixture.configuration
        configuration.store = .postgres(location)
        let app = try buildApplication(configuration: configuration, database: copy)
        let copied = try await Self.pages(app, token: fixture.token(.organiser))
        #expect(copied == original)
        #expect(try await copy.conflicts(campaign: nil).map(\.id) == before.map(\.id))
        try await app.test(.router) { client in
            let pushed = try await client.push([
                Ops.create(UUID(), answers: ["safe": .text("very")], stamp: Ops.stamp(20, "laptop-b")),
            ], token: fixture.secondCollector, device: "laptop-b")
            #expect(pushed.results.map(\.status) == [.applied])
            #expect(pushed.epoch == original.first?.epoch)
            let next = try await client.send(.get, "/v1/pull?cursor=\(original.last?.cursor ?? 0)", token: fixture.token(.organiser))
            #expect(try next.decode(PullResponse.self).responses.count == 1)
        }
        #expect(throws: AdminError.self) { try ServerDatabase.migrate(from: fixture.directory.url, to: location) }
        try copy.close()
    }

    /// Every pull page from cursor 0, with the server's time left out.
    private static func pages(_ app: some ApplicationProtocol, token: String) async throws -> [PullResponse] {
        try await app.test(.router) { client in
            try await client.pullAll(token: token, limit: 2).pages.map { page in
                var page = page
                page.serverTime = HLCTimestamp(physical: 0, counter: 0, node: "-")
                return page
            }
        }
    }
}
