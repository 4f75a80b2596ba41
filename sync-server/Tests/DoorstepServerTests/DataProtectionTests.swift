import DoorstepCore
import DoorstepWire
@testable import DoorstepServer
import DoorstepTestSupport
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Testing

/// Where personal data can leak on the server machine: file modes, a WAL that still holds erased
/// answers, reads that leave no audit entry, and a clock that runs ahead across restarts.
@Suite("Data protection on the server")
struct DataProtectionTests {
    static func mode(_ path: String) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    static func post(_ server: RunningServer, _ path: String, token: String, json: some Encodable) throws -> RawHTTPResponse? {
        let body = String(decoding: try JSONEncoder().encode(json), as: UTF8.self)
        let connection = try RawHTTPConnection(url: server.url)
        connection.send(RawHTTPServer.postHead(path, token: token, length: body.utf8.count) + body)
        return connection.readResponse()
    }

    @Test("The data directory is 0700 and the database, its WAL and SHM and every backup 0600, even if they were opened up", .disabled(if: TestStore.isPostgres, Comment(rawValue: TestStore.embeddedOnly)))
    func filesAreOwnerOnly() throws {
        let fixture = try ServerFixture()
        let database = fixture.directory.appending(ServerDatabase.fileName).path
        // Given a data directory and files left readable by others
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fixture.directory.path)
        for path in [database, database + "-wal", database + "-shm"] {
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        }
        // When the server starts and takes a push
        let server = try RunningServer(data: fixture.directory.path)
        let push = PushRequest(device: "d", operations: [Ops.visit(stamp: Ops.stamp(1, "d"))])
        #expect(try Self.post(server, "/v1/push", token: fixture.token(.collector), json: push)?.status == 200)
        // Then only the server's user can read them
        #expect(try Self.mode(fixture.directory.path) == 0o700)
        for path in [database, database + "-wal", database + "-shm"] {
            #expect(try Self.mode(path) == 0o600, "\(path)")
        }
        let backup = fixture.directory.appending("backup.sqlite").path
        let made = try ProcessRunner.server(["backup", "--data", fixture.directory.path, "--output", backup])
        #expect(made.status == 0, "\(made.stderr)")
        #expect(try Self.mode(backup) == 0o600)
    }

    @Test("After an erasure neither the database file nor its WAL holds the erased answer", .disabled(if: TestStore.isPostgres, Comment(rawValue: TestStore.embeddedOnly)))
    func erasureScrubsTheWAL() throws {
        let fixture = try ServerFixture()
        try fixture.database.close()
        let server = try RunningServer(data: fixture.directory.path)
        let name = "Zebedee Quartermaine-7731"
        let response = UUID()
        let create = Ops.create(response, answers: ["safe": .text("very"), "phone": .text(name)], stamp: Ops.stamp(1, "d"))
        let token = fixture.token(.collector)
        #expect(try Self.post(server, "/v1/push", token: token, json: PushRequest(device: "d", operations: [create]))?.status == 200)
        let files = [ServerDatabase.fileName, ServerDatabase.fileName + "-wal"].map { fixture.directory.appending($0) }
        func holdsName() throws -> Bool {
            try files.contains { file in
                guard FileManager.default.fileExists(atPath: file.path) else { return false }
                return try Data(contentsOf: file).range(of: Data(name.utf8)) != nil
            }
        }
        #expect(try holdsName(), "the answer was not stored where this test looks")

        // When the resident withdraws consent
        let erase = Ops.erase(response, scope: .sensitive, stamp: Ops.stamp(2, "d"))
        let erased = try #require(try Self.post(server, "/v1/push", token: token, json: PushRequest(device: "d", operations: [erase])))
        #expect(try JSONDecoder().decode(PushResponse.self, from: erased.body).results.map(\.status) == [.applied])
        // Then the name is in no file
        #expect(try !holdsName())
        #expect(server.stop() == 0)
        #expect(try !holdsName())
    }

    @Test("Pulls carrying sensitive answers, conflict lists and reports each leave one audit entry per campaign")
    func readsOfPersonalDataAreAudited() async throws {
        let fixture = try ServerFixture()
        let entries = { @Sendable (action: String) throws -> [SQLRow] in
            try fixture.database.store.read { db in
                try SQLRow.fetchAll(db, sql: "SELECT * FROM audit_log WHERE action = ? ORDER BY id", arguments: [action])
            }
        }
        try await fixture.app.test(.router) { client in
            let response = UUID()
            let first = Ops.stamp(1, "d")
            _ = try await client.push([
                Ops.create(response, answers: ["safe": .text("very"), "phone": .text("0113 496 0000")], stamp: first),
                Ops.create(UUID(), address: "a2", answers: ["safe": .text("not")], stamp: Ops.stamp(2, "d")),
            ], token: fixture.token(.collector))

            // A pull that carries the response with a phone number is audited: who, which campaign, how many.
            let (_, cursor) = try await client.pullAll(token: fixture.token(.organiser))
            let pulls = try entries("pull")
            #expect(pulls.count == 1)
            #expect(pulls.first?["token_name"] as String? == "organiser-1")
            #expect(pulls.first?["campaign"] as String? == ServerFixture.campaign)
            #expect(pulls.first?["detail"] as String? == "Pulled 1 response with sensitive answers.")
            // A pull that carries nothing sensitive is not.
            _ = try await client.send(.get, "/v1/pull?cursor=\(cursor)", token: fixture.token(.organiser))
            _ = try await client.push(
                [Ops.create(UUID(), address: "a3", answers: ["safe": .text("fairly")], stamp: Ops.stamp(3, "d"))],
                token: fixture.token(.collector)
            )
            _ = try await client.send(.get, "/v1/pull?cursor=\(cursor)", token: fixture.token(.organiser))
            #expect(try entries("pull").count == 1)

            // Two edits from the same base: a conflict, whose list is audited.
            _ = try await client.push([
                Ops.update(response, [FieldChange(name: "safe", value: .text("fairly"), base: first)], stamp: Ops.stamp(4, "e")),
                Ops.update(response, [FieldChange(name: "safe", value: .text("not"), base: first)], stamp: Ops.stamp(5, "f")),
            ], token: fixture.token(.collector))
            let conflicts = try await client.send(.get, "/v1/conflicts", token: fixture.token(.organiser)).decode([ConflictInfo].self)
            #expect(!conflicts.isEmpty)
            #expect(try entries("conflicts").map { $0["detail"] as String } == ["Conflict list: kept values of 1 response."])

            let report = try await client.send(.get, "/v1/campaigns/\(ServerFixture.campaign)/report", token: fixture.token(.organiser))
            #expect(report.status == .ok)
            #expect(try entries("report").map { $0["detail"] as String } == ["HTML report (figures) of 3 responses."])
        }
    }

    @Test("serve refuses a saved clock far ahead, naming clock accept, which lets it start")
    func clockFarAheadIsRefused() throws {
        let fixture = try ServerFixture()
        let ahead = HLCTimestamp(physical: Int64(Date().timeIntervalSince1970 * 1_000) + 400 * 86_400_000, counter: 0, node: "server")
        try fixture.database.store.write { db in
            try db.execute(sql: "INSERT INTO meta(key, value) VALUES ('clock', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", arguments: [ahead.description])
        }
        try fixture.database.close()
        let refused = try ProcessRunner.server(["serve", "--data", fixture.directory.path, "--port", "0"], timeout: 30)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("400 days ahead"), "\(refused.stderr)")
        let option = TestStore.isPostgres ? "--database postgres://" : "--data \(fixture.directory.path)"
        #expect(refused.stderr.contains("doorstep-server clock accept \(option)"), "\(refused.stderr)")

        let accepted = try ProcessRunner.server(["clock", "accept", "--data", fixture.directory.path])
        #expect(accepted.status == 0, "\(accepted.stderr)")
        let server = try RunningServer(data: fixture.directory.path)
        #expect(try RawHTTPConnection(url: server.url).exchange("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")?.status == 200)
    }

    @Test("--data defaults to $DOORSTEP_DATA, and a command without either is a usage error", .disabled(if: TestStore.isPostgres, Comment(rawValue: TestStore.embeddedOnly)))
    func dataDirectoryFromTheEnvironment() throws {
        let fixture = try ServerFixture()
        let server = BuiltProducts.executable("doorstep-server")
        let listed = try ProcessRunner.run(server, ["tokens", "list"], environment: ["DOORSTEP_DATA": fixture.directory.path])
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stdout.contains("organiser-1"))
        let missing = try ProcessRunner.run(server, ["tokens", "list"], environment: ["DOORSTEP_DATA": ""])
        #expect(missing.status == 64)
        #expect(missing.stderr.contains("DOORSTEP_DATA"), "\(missing.stderr)")
    }
}
