import DoorstepTestSupport
import Foundation
import Testing

/// The systemd units of `sync-server/deploy/`, as installed by docs/operations.md: each passes
/// `systemd-analyze verify`, and the commands the server's units run, with the example
/// environment file's values, serve and back up.
@Suite("The service units in sync-server/deploy")
struct ServiceUnitsTests {
    static let systemdAnalyze = "/usr/bin/systemd-analyze"
    static let deploy = BuiltProducts.packageRoot.appendingPathComponent("sync-server/deploy")
    /// Where docs/operations.md installs the binaries.
    static let installed = ["/usr/local/bin/doorstep-server": "doorstep-server", "/usr/local/bin/doorstep": "doorstep"]

    /// Whether systemd-analyze is there to verify the units; says why not when it is not.
    static let canVerify: Bool = {
        guard FileManager.default.isExecutableFile(atPath: systemdAnalyze) else {
            print("Skipping systemd-analyze verify of sync-server/deploy: \(systemdAnalyze) is missing.")
            return false
        }
        return true
    }()

    /// A unit file's text with the installed binaries replaced by the built ones (verify checks
    /// that `ExecStart=` names an executable that exists).
    static func unit(_ name: String) throws -> String {
        var text = try String(contentsOf: deploy.appendingPathComponent(name), encoding: .utf8)
        // The longer path first, so that doorstep-server is not read as doorstep plus "-server".
        for (path, product) in installed.sorted(by: { $0.key.count > $1.key.count }) {
            text = text.replacingOccurrences(of: path, with: BuiltProducts.executable(product).path)
        }
        return text
    }

    /// The unit files of the folder.
    static func unitNames() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: deploy.path)
            .filter { $0.hasSuffix(".service") || $0.hasSuffix(".timer") }
            .sorted()
    }

    /// `KEY=VALUE` lines of the example environment file, as systemd's `EnvironmentFile=` reads them.
    static func environmentFile() throws -> [String: String] {
        let text = try String(contentsOf: deploy.appendingPathComponent("doorstep-server.env"), encoding: .utf8)
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            values[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        return values
    }

    /// The words of a unit's `ExecStart=` line after systemd's expansion: `${NAME}` is one word,
    /// `$NAME` is split at white space, `%%` is `%`.
    static func execStart(of unit: String, environment: [String: String]) throws -> [String] {
        let line = try #require(unit.split(separator: "\n").first { $0.hasPrefix("ExecStart=") })
        return line.dropFirst("ExecStart=".count).split(separator: " ").flatMap { word -> [String] in
            if word.hasPrefix("${"), word.hasSuffix("}") { return [environment[String(word.dropFirst(2).dropLast())] ?? ""] }
            if word.hasPrefix("$") { return (environment[String(word.dropFirst())] ?? "").split(separator: " ").map(String.init) }
            return [String(word).replacingOccurrences(of: "%%", with: "%")]
        }
    }

    @Test("Every unit passes systemd-analyze verify without a complaint", .enabled(if: canVerify))
    func verify() throws {
        // Given every unit of the folder, pointing at the built binaries
        let names = try Self.unitNames()
        #expect(names == [
            "doorstep-server-backup.service", "doorstep-server-backup.timer", "doorstep-server-purge.service",
            "doorstep-server-purge.timer", "doorstep-server.service", "doorstep-sync.service", "doorstep-sync.timer",
        ])
        let folder = try TemporaryDirectory("doorstep-units")
        defer { folder.remove() }
        let paths = try names.map { try folder.write(try Self.unit($0), to: $0) }

        // Then systemd finds nothing to complain about (an unknown key is only a warning: none either)
        let verify = try ProcessRunner.run(URL(fileURLWithPath: Self.systemdAnalyze), ["verify", "--man=no"] + paths)
        #expect(verify.status == 0, "\(verify.stderr)")
        #expect(verify.stderr.isEmpty, "\(verify.stderr)")
    }

    @Test("Each ExecStart line docs/operations.md quotes is a unit's own")
    func guideQuotesTheUnits() throws {
        let guide = try String(contentsOf: BuiltProducts.packageRoot.appendingPathComponent("docs/operations.md"), encoding: .utf8)
        let units = try Self.unitNames().map { try String(contentsOf: Self.deploy.appendingPathComponent($0), encoding: .utf8) }
        let quoted = guide.split(separator: "\n").filter { $0.hasPrefix("ExecStart=") }
        #expect(quoted.count == 4)
        for line in quoted {
            #expect(units.contains { $0.split(separator: "\n").contains(line) }, "\(line)")
        }
    }

    @Test("The server unit's hardening is in place")
    func hardening() throws {
        let service = try Self.unit("doorstep-server.service")
        for setting in [
            "User=doorstep", "EnvironmentFile=/etc/doorstep/doorstep-server.env", "StateDirectory=doorstep-server",
            "ProtectSystem=strict", "ProtectHome=yes", "NoNewPrivileges=yes", "PrivateTmp=yes", "UMask=0077",
            "Restart=on-failure", "KillSignal=SIGTERM", "TimeoutStopSec=45",
        ] {
            #expect(service.split(separator: "\n").contains { $0 == setting }, "\(setting)")
        }
        #expect(try Self.environmentFile()["DOORSTEP_DATA"] == "/var/lib/doorstep-server")
    }

    @Test("The server unit's command, with the environment file's values, serves on its data; the backup unit's backs it up")
    func commandsRun() throws {
        // Given the example environment file with a fresh data directory and a free port
        let data = try TemporaryDirectory("doorstep-unit-data")
        defer { data.remove() }
        var environment = try Self.environmentFile()
        environment["DOORSTEP_DATA"] = data.path
        environment["SERVE_PORT"] = "0"

        // When ExecStart runs as systemd would run it
        let words = try Self.execStart(of: try Self.unit("doorstep-server.service"), environment: environment)
        #expect(words.dropFirst() == ["serve", "--host", "127.0.0.1", "--port", "0"])
        let server = Process()
        server.executableURL = URL(fileURLWithPath: words[0])
        server.arguments = Array(words.dropFirst())
        server.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = Pipe()
        server.standardOutput = output
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer {
            if server.isRunning { kill(server.processIdentifier, SIGTERM) }
            server.waitUntilExit()
        }

        // Then it serves on the data directory named by DOORSTEP_DATA
        let firstLine = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
        #expect(firstLine.hasPrefix("http://127.0.0.1:"), "\(firstLine)")
        #expect(FileManager.default.fileExists(atPath: data.appending("doorstep-server.sqlite").path))

        // And the backup unit's command, backups going to a folder of the test's, writes one backup
        let backups = try TemporaryDirectory("doorstep-unit-backups")
        defer { backups.remove() }
        let backup = try Self.execStart(
            of: try Self.unit("doorstep-server-backup.service").replacingOccurrences(of: "/var/backups/doorstep", with: backups.path),
            environment: environment
        )
        #expect(backup.prefix(2) == ["/bin/sh", "-c"])
        let result = try ProcessRunner.run(
            URL(fileURLWithPath: backup[0]), ["-c", backup.dropFirst(2).joined(separator: " ").trimmingCharacters(in: ["'"])],
            environment: environment
        )
        #expect(result.status == 0, "\(result.stderr)")
        let written = try FileManager.default.contentsOfDirectory(atPath: backups.path)
        #expect(written.count == 1 && written[0].hasPrefix("doorstep-") && written[0].hasSuffix(".sqlite"), "\(written)")
    }
}
