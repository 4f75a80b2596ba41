import DoorstepTestSupport
import Foundation
import Testing

/// `doorstep-server`'s administration commands: the client's nouns, the hidden singular spellings
/// (`campaign`, `token`) that scripts may use, unique token names, and an example in every command's help.
@Suite("doorstep-server administration commands")
struct AdminCommandTests {
    @Test("forms, campaigns and tokens list what was made; campaign and token still work as hidden old spellings")
    func nounsAndOldSpellings() throws {
        let prepared = try LiveServerTests.Prepared()
        let data = prepared.directory.path
        let forms = try ProcessRunner.server(["forms", "list", "--data", data])
        #expect(forms.status == 0, "\(forms.stderr)")
        #expect(forms.stdout.hasPrefix("FORM"))
        #expect(forms.stdout.contains("survey"))
        let campaigns = try ProcessRunner.server(["campaigns", "list", "--data", data, "--json"])
        let listed = try #require(try JSONSerialization.jsonObject(with: Data(campaigns.stdout.utf8)) as? [[String: String]])
        #expect(listed.map { $0["id"] } == [ServerFixture.campaign])
        #expect(listed.first?["addresses"] == "2")

        // The old spellings work and are not shown.
        let old = try ProcessRunner.server(["token", "create", "--data", data, "--role", "viewer", "--name", "board"])
        #expect(old.status == 0, "\(old.stderr)")
        #expect(try ProcessRunner.server(["campaign", "publish", "--data", data, ServerFixture.campaign]).status == 0)
        let help = try ProcessRunner.server(["--help"]).stdout
        #expect(help.contains("campaigns") && help.contains("tokens"))
        #expect(!help.contains("  campaign ") && !help.contains("  token "))

        let tokens = try ProcessRunner.server(["tokens", "list", "--data", data])
        #expect(tokens.stdout.split(separator: "\n").first?.split(separator: " ", omittingEmptySubsequences: true)
            == ["ID", "ROLE", "NAME", "CREATED", "STATE"])
        #expect(tokens.stdout.contains("board"))
        #expect(!tokens.stdout.contains("dst_"))
    }

    @Test("A token name a live token has already is refused, in any case, and nothing is stored; after a revoke it is free")
    func tokenNamesAreUnique() throws {
        let prepared = try LiveServerTests.Prepared()
        let data = prepared.directory.path
        let again = try ProcessRunner.server(["tokens", "create", "--data", data, "--role", "collector", "--name", "PC-1"])
        #expect(again.status == 65)
        #expect(again.stderr.contains("A live token is named pc-1 already"), "\(again.stderr)")
        let listed = try ProcessRunner.server(["tokens", "list", "--data", data, "--json"])
        let tokens = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        #expect(tokens.count == 1)
        let id = try #require(tokens.first?["id"] as? String)
        #expect(try ProcessRunner.server(["tokens", "revoke", "--data", data, id]).status == 0)
        #expect(try ProcessRunner.server(["tokens", "create", "--data", data, "--role", "collector", "--name", "pc-1"]).status == 0)
    }

    @Test(
        "serve's connection count to PostgreSQL is refused without a database, or out of range, in one sentence",
        arguments: [
            (["--data", "/tmp/doorstep-unused", "--database-connections", "3"], "pass --database URL too"),
            (["--database", "postgres://doorstep@127.0.0.1:1/doorstep", "--database-connections", "0"], "from 1 to 200"),
        ]
    )
    func databaseConnectionsNeedADatabase(arguments: [String], message: String) throws {
        let result = try ProcessRunner.run(BuiltProducts.executable("doorstep-server"), ["serve"] + arguments, timeout: 60)
        #expect(result.status == 64)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test("Every doorstep-server command's help shows an example of typing it")
    func everyCommandHasAnExample() throws {
        let commands = try HelpTree.walk { path in try ProcessRunner.server(path + ["--help"]).stdout }
        #expect(commands.count >= 14)
        for (path, help) in commands {
            #expect(help.contains("Example"), "doorstep-server \(path.joined(separator: " ")) --help has no example")
            #expect(help.contains("doorstep-server \(path[0])"), "doorstep-server \(path.joined(separator: " ")) --help shows no command line")
        }
    }
}
