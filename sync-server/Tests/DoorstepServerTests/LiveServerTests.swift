import DoorstepCore
import DoorstepWire
import DoorstepServer
import DoorstepTestSupport
import Foundation
import GRDB
import Testing

/// The real `doorstep-server` binary, administered from the command line and spoken to with curl.
@Suite("The doorstep-server process")
struct LiveServerTests {
    /// A data directory prepared with the CLI: the test form, a campaign and a collector token.
    struct Prepared {
        let directory: TemporaryDirectory
        let token: String

        init() throws {
            let directory = try TemporaryDirectory("live")
            self.directory = directory
            let data = directory.path
            let form = try directory.write(ServerFixture.formYAML, to: "survey.yaml")
            let walkList = try directory.write("id,address,street\na1,1 High Street,High Street\na2,2 High Street,High Street\n", to: "walk.csv")
            let published = try ProcessRunner.server(["forms", "publish", "--data", data, form])
            #expect(published.status == 0, "\(published.stderr)")
            let created = try ProcessRunner.server([
                "campaigns", "create", "--data", data, "--id", ServerFixture.campaign, "--name", "Day", "--form", "survey",
                "--addresses", walkList,
            ])
            #expect(created.status == 0, "\(created.stderr)")
            let token = try ProcessRunner.server(["tokens", "create", "--data", data, "--role", "collector", "--name", "pc-1"])
            #expect(token.status == 0)
            self.token = token.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }

        var data: String { directory.path }

        func count(_ table: String) throws -> Int {
            let database = try ServerDatabase.forTest(directory.url)
            defer { try? database.close() }
            return try database.store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0 }
        }
    }

    /// What curl got back.
    struct CurlResult {
        var status: Int
        var body: String
    }

    static func curl(_ method: String, _ url: String, token: String?, bodyFile: String? = nil) throws -> CurlResult {
        var arguments = ["-s", "-S", "--max-time", "60", "-X", method, "-w", "\n%{http_code}"]
        if let token { arguments += ["-H", "Authorization: Bearer \(token)"] }
        if let bodyFile { arguments += ["-H", "Content-Type: application/json", "--data-binary", "@\(bodyFile)"] }
        let result = try ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/curl"), arguments + [url], timeout: 90)
        var lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let status = lines.popLast().flatMap { Int($0) } ?? 0
        return CurlResult(status: status, body: lines.joined(separator: "\n"))
    }

    static func pushBody(_ operations: [SyncOperation], in directory: TemporaryDirectory, name: String) throws -> String {
        let data = try JSONEncoder().encode(PushRequest(device: "pc-1", operations: operations))
        return try directory.write(String(decoding: data, as: UTF8.self), to: name)
    }

    static func creates(_ count: Int) -> [SyncOperation] {
        (0..<count).map { index in
            Ops.create(
                UUID(), address: index % 2 == 0 ? "a1" : "a2",
                answers: ["safe": .text("fairly"), "age": .integer(index % 90), "worries": .list(["drugs"])],
                stamp: Ops.stamp(Int64(index), "pc-1")
            )
        }
    }

    @Test func servesOverHTTPAndStopsCleanlyOnSIGTERM() throws {
        let prepared = try Prepared()
        let server = try RunningServer(data: prepared.data)
        #expect(server.url.hasPrefix("http://127.0.0.1:"))

        let health = try Self.curl("GET", server.url + "/healthz", token: nil)
        #expect(health.status == 200 && health.body.contains("ok"))
        let anonymous = try Self.curl("GET", server.url + "/v1/whoami", token: nil)
        #expect(anonymous.status == 401 && anonymous.body.contains("\"error\":\"unauthorized\""))
        let whoami = try Self.curl("GET", server.url + "/v1/whoami", token: prepared.token)
        #expect(whoami.status == 200 && whoami.body.contains("\"role\":\"collector\""))

        let body = try Self.pushBody(Self.creates(3), in: prepared.directory, name: "push.json")
        let pushed = try Self.curl("POST", server.url + "/v1/push", token: prepared.token, bodyFile: body)
        #expect(pushed.status == 200)
        let answer = try JSONDecoder().decode(PushResponse.self, from: Data(pushed.body.utf8))
        #expect(answer.results.count == 3 && answer.results.allSatisfy { $0.status == .applied })
        let pulled = try Self.curl("GET", server.url + "/v1/pull?cursor=0", token: prepared.token)
        let page = try JSONDecoder().decode(PullResponse.self, from: Data(pulled.body.utf8))
        #expect(page.responses.count == 3 && page.campaigns.count == 1 && page.forms.count == 1)

        #expect(server.stop(signal: SIGTERM) == 0)
        let log = server.log()
        #expect(log.contains("POST /v1/push 200"))
        #expect(log.contains("GET /v1/whoami 401"))
        #expect(try prepared.count("responses") == 3)
    }

    @Test func sigtermDuringAPushLosesAndDuplicatesNothing() throws {
        let prepared = try Prepared()
        let operations = Self.creates(3_000)
        let body = try Self.pushBody(operations, in: prepared.directory, name: "big.json")
        let server = try RunningServer(data: prepared.data)

        // Given a large push in flight,
        let curl = Process()
        curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        let output = prepared.directory.appending("curl.out")
        curl.arguments = [
            "-s", "--max-time", "120", "-o", output.path, "-w", "%{http_code}", "-X", "POST",
            "-H", "Authorization: Bearer \(prepared.token)", "-H", "Content-Type: application/json",
            "--data-binary", "@\(body)", server.url + "/v1/push",
        ]
        let status = Pipe()
        curl.standardOutput = status
        try curl.run()
        usleep(150_000)
        // when the server is told to stop,
        let exit = server.stop(signal: SIGTERM, timeout: 120)
        curl.waitUntilExit()
        let code = String(decoding: status.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)

        // then it exits cleanly, and what it stored is all or nothing of the batch.
        #expect(exit == 0)
        let stored = try prepared.count("responses")
        #expect(stored == 0 || stored == operations.count, "stored \(stored)")
        if code == "200" {
            let answer = try JSONDecoder().decode(PushResponse.self, from: Data(contentsOf: output))
            #expect(answer.results.count == operations.count)
            #expect(stored == operations.count)
        }

        // And a retry after restart applies everything exactly once.
        let restarted = try RunningServer(data: prepared.data)
        let retry = try Self.curl("POST", restarted.url + "/v1/push", token: prepared.token, bodyFile: body)
        #expect(retry.status == 200)
        let answer = try JSONDecoder().decode(PushResponse.self, from: Data(retry.body.utf8))
        #expect(answer.results.count == operations.count && answer.results.allSatisfy { $0.status == .applied })
        #expect(restarted.stop() == 0)
        #expect(try prepared.count("responses") == operations.count)
        #expect(try prepared.count("operations") == operations.count)
    }

    @Test(.disabled(if: TestStore.isPostgres, Comment(rawValue: TestStore.embeddedOnly)))
    func backupWhileServingAndRestoreStartsANewEpoch() throws {
        let prepared = try Prepared()
        let server = try RunningServer(data: prepared.data)
        let first = Self.creates(2)
        let firstBody = try Self.pushBody(first, in: prepared.directory, name: "first.json")
        #expect(try Self.curl("POST", server.url + "/v1/push", token: prepared.token, bodyFile: firstBody).status == 200)
        let epochBefore = try #require(try Self.curl("GET", server.url + "/v1/whoami", token: prepared.token).body
            .split(separator: "\"").drop { $0 != "epoch" }.dropFirst(2).first)

        // Given a backup taken while the server runs,
        let backupFile = prepared.directory.appending("backup.sqlite").path
        let backup = try ProcessRunner.server(["backup", "--data", prepared.data, "--output", backupFile])
        #expect(backup.status == 0, "\(backup.stderr)")
        // and a push the backup does not have,
        let later = Self.creates(1)
        let laterBody = try Self.pushBody(later, in: prepared.directory, name: "later.json")
        #expect(try Self.curl("POST", server.url + "/v1/push", token: prepared.token, bodyFile: laterBody).status == 200)
        #expect(server.stop() == 0)

        // when the data is restored,
        let restore = try ProcessRunner.server(["restore", "--data", prepared.data, backupFile])
        #expect(restore.status == 0, "\(restore.stderr)")
        #expect(try prepared.count("responses") == 2)

        // then the server announces a new epoch, and a device re-sending everything loses nothing.
        let restarted = try RunningServer(data: prepared.data)
        let whoami = try Self.curl("GET", restarted.url + "/v1/whoami", token: prepared.token)
        #expect(whoami.status == 200)
        #expect(!whoami.body.contains(String(epochBefore)))
        let everything = try Self.pushBody(first + later, in: prepared.directory, name: "all.json")
        let resent = try Self.curl("POST", restarted.url + "/v1/push", token: prepared.token, bodyFile: everything)
        #expect(resent.status == 200)
        #expect(restarted.stop() == 0)
        #expect(try prepared.count("responses") == 3)

        // A file that is not a backup is refused.
        let bogus = try prepared.directory.write("not sqlite", to: "bogus.sqlite")
        #expect(try ProcessRunner.server(["restore", "--data", prepared.data, bogus]).status != 0)
    }

    @Test func administrationCommandsReportBadInputWithSysexitsCodes() throws {
        let prepared = try Prepared()
        let data = prepared.data
        #expect(try ProcessRunner.server(["tokens", "create", "--data", data, "--role", "king", "--name", "x"]).status == 64)
        #expect(try ProcessRunner.server(["serve", "--data", data, "--port", "70000"]).status == 64)

        let badForm = try prepared.directory.write("id: broken\nquestions: 3\n", to: "broken.yaml")
        let published = try ProcessRunner.server(["forms", "publish", "--data", data, badForm])
        #expect(published.status == 65 && !published.stderr.isEmpty)
        // Publishing the same version again is a no-op; changing it under the same version is refused.
        let same = try prepared.directory.write(ServerFixture.formYAML, to: "same.yaml")
        #expect(try ProcessRunner.server(["forms", "publish", "--data", data, same]).status == 0)
        let changed = try prepared.directory.write(ServerFixture.formYAML.replacingOccurrences(of: "Age", with: "Your age"), to: "changed.yaml")
        #expect(try ProcessRunner.server(["forms", "publish", "--data", data, changed]).status == 65)

        let badCSV = try prepared.directory.write("id,address\nb1,1 Road\nb2\n", to: "bad.csv")
        let campaign = try ProcessRunner.server([
            "campaigns", "create", "--data", data, "--id", "day2", "--name", "Day 2", "--form", "survey", "--addresses", badCSV,
        ])
        #expect(campaign.status == 65)
        #expect(campaign.stderr.contains("3"), "the line number: \(campaign.stderr)")
        let goodCSV = try prepared.directory.write("id,address\nb1,1 Road\n", to: "good.csv")
        let unknownForm = try ProcessRunner.server([
            "campaigns", "create", "--data", data, "--id", "day2", "--name", "Day 2", "--form", "nothing", "--addresses", goodCSV,
        ])
        #expect(unknownForm.status == 65)
        let duplicate = try ProcessRunner.server([
            "campaigns", "create", "--data", data, "--id", ServerFixture.campaign, "--name", "Again", "--form", "survey",
            "--addresses", goodCSV,
        ])
        #expect(duplicate.status == 65)

        // Tokens: listed without the secret, revoked by token, unknown ones refused.
        let list = try ProcessRunner.server(["tokens", "list", "--data", data, "--json"])
        #expect(list.status == 0 && list.stdout.contains("pc-1") && !list.stdout.contains(prepared.token))
        #expect(try ProcessRunner.server(["tokens", "revoke", "--data", data, prepared.token]).status == 0)
        #expect(try ProcessRunner.server(["tokens", "revoke", "--data", data, prepared.token]).status == 65)
        #expect(try ProcessRunner.server(["tokens", "list", "--data", data]).stdout.contains("revoked"))
    }
}
