import DoorstepTestSupport
import Foundation
import Testing

/// `doorstep-server serve --tls-cert --tls-key` with a throwaway CA made by openssl: laptops that
/// trust the CA sync over `https://`, laptops that do not are refused with exit 69 and nothing
/// changes on either side, and the server's connection limits hold over TLS as over plain HTTP.
@Suite("TLS in the server, seen from the laptop")
struct TLSEndToEndTests {
    static let openssl = "/usr/bin/openssl"
    static let curl = "/usr/bin/curl"

    /// Whether openssl is there to make the test CA; says why not when it is not.
    static let canMakeCertificates: Bool = {
        guard FileManager.default.isExecutableFile(atPath: openssl) else {
            print("Skipping the TLS end-to-end tests: \(openssl) is missing, so no test CA can be made.")
            return false
        }
        return true
    }()

    /// A CA and a certificate it signed for 127.0.0.1 (an IP subject alternative name), made with
    /// openssl as docs/operations.md shows, valid for two days.
    struct TestCA {
        let folder: TemporaryDirectory
        var ca: String { folder.appending("ca.pem").path }
        var certificate: String { folder.appending("server.pem").path }
        var key: String { folder.appending("server.key").path }

        init(name: String = "Doorstep test CA") throws {
            folder = try TemporaryDirectory("doorstep-tls")
            try Self.openssl([
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
                "-subj", "/CN=\(name)", "-keyout", "ca.key", "-out", "ca.pem",
            ], in: folder)
            try Self.openssl([
                "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=127.0.0.1",
                "-keyout", "server.key", "-out", "server.csr",
            ], in: folder)
            try folder.write("subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n", to: "server.ext")
            try Self.openssl([
                "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2",
                "-extfile", "server.ext", "-out", "server.pem",
            ], in: folder)
        }

        func remove() {
            folder.remove()
        }

        private static func openssl(_ arguments: [String], in folder: TemporaryDirectory) throws {
            // openssl takes relative paths from its working directory: run it through the shell there.
            let command = ([TLSEndToEndTests.openssl] + arguments).map { "'\($0)'" }.joined(separator: " ")
            let result = try ProcessRunner.run(URL(fileURLWithPath: "/bin/sh"), ["-c", "cd '\(folder.path)' && \(command)"])
            guard result.status == 0 else { throw CommandFailed(command: "openssl " + arguments.joined(separator: " "), result: result) }
        }
    }

    /// Logs `device` in to the deployment over TLS, trusting `cacert` when given.
    private func login(_ device: Device, _ deployment: Deployment, token: String, cacert: String?) throws -> ProcessResult {
        try device.run(["login", "--server", deployment.url, "--token", token, "--retry-max-time", "0"] + (cacert.map { ["--cacert", $0] } ?? []))
    }

    @Test("A laptop that trusts the CA syncs over https; one with another CA or none exits 69 and nothing is stored",
          .enabled(if: canMakeCertificates))
    func syncOverTLS() throws {
        // Given a server with a certificate for 127.0.0.1 from a test CA, and a second, unrelated CA
        let ca = try TestCA()
        defer { ca.remove() }
        let other = try TestCA(name: "Another CA")
        defer { other.remove() }
        let deployment = try Deployment(addressCount: 3, serverArguments: ["--tls-cert", ca.certificate, "--tls-key", ca.key])
        #expect(deployment.url.hasPrefix("https://127.0.0.1:"))

        // When an officer logs in with --cacert, records a response and syncs
        let alice = try Device(name: "alice")
        alice.token = try deployment.token("collector", name: "alice")
        let loggedIn = try login(alice, deployment, token: alice.token, cacert: ca.ca)
        #expect(loggedIn.status == 0, "\(loggedIn.stderr)")
        try alice.sync()
        let id = try alice.record(campaign: deployment.campaign, address: deployment.addresses[0], answers: SampleAnswers.consenting())
        let summary = try alice.sync()

        // Then the response reaches the server: an organiser, also over TLS, pulls it
        #expect(summary["pushed"] as? Int ?? 0 >= 1, "\(summary)")
        let organiser = try Device(name: "organiser")
        let organiserLogin = try login(organiser, deployment, token: try deployment.token("organiser", name: "organiser"), cacert: ca.ca)
        #expect(organiserLogin.status == 0, "\(organiserLogin.stderr)")
        try organiser.sync()
        #expect(try organiser.responses(campaign: deployment.campaign).map { $0["id"] as? String } == [id])

        // When laptops that trust another CA, or only the system's CAs, log in
        for (index, cacert) in [other.ca, nil].enumerated() {
            let bob = try Device(name: "bob-\(index)")
            let refused = try login(bob, deployment, token: try deployment.token("collector", name: "bob-\(index)"), cacert: cacert)
            // Then each exits 69 with one sentence naming the certificate problem, and is not logged in
            #expect(refused.status == 69, "\(refused.stderr)")
            #expect(refused.stderr.split(separator: "\n").count == 1, "\(refused.stderr)")
            #expect(refused.stderr.contains("certificate of \(deployment.url) is not trusted"), "\(refused.stderr)")
            #expect(try bob.run(["sync", "--retry-max-time", "0"]).status == 64)
        }

        // When the laptop's trusted CA is no longer the server's, its next sync
        try alice.record(campaign: deployment.campaign, address: deployment.addresses[1], answers: SampleAnswers.declined)
        try FileManager.default.removeItem(atPath: alice.home.appending("server-ca.pem").path)
        try FileManager.default.copyItem(atPath: other.ca, toPath: alice.home.appending("server-ca.pem").path)
        let untrusted = try alice.run(["sync", "--json", "--retry-max-time", "5"])

        // exits 69 at once (no retry fixes a certificate), keeps the response pending, stores nothing on the server
        #expect(untrusted.status == 69, "\(untrusted.stderr)")
        #expect(untrusted.stdout.isEmpty, "\(untrusted.stdout)")
        #expect(untrusted.stderr.split(separator: "\n").count == 1, "\(untrusted.stderr)")
        #expect(untrusted.stderr.contains("is not trusted"), "\(untrusted.stderr)")
        #expect(try JSON.object(try alice.expect(["status", "--json"]))["pending"] as? Int ?? 0 >= 1)
        try organiser.sync()
        #expect(try organiser.responses(campaign: deployment.campaign).count == 1)
    }

    @Test("serve with only one of --tls-cert and --tls-key exits 64; unusable files exit 65 naming the file",
          .enabled(if: canMakeCertificates))
    func unusableTLSOptions() throws {
        let ca = try TestCA()
        defer { ca.remove() }
        let data = try TemporaryDirectory("doorstep-tls-data")
        defer { data.remove() }
        let serve = ["serve", "--data", data.path, "--port", "0"]

        let certificateOnly = try ProcessRunner.server(serve + ["--tls-cert", ca.certificate], timeout: 30)
        #expect(certificateOnly.status == 64, "\(certificateOnly.stderr)")
        #expect(certificateOnly.stderr.contains("--tls-cert and --tls-key go together"), "\(certificateOnly.stderr)")
        let keyOnly = try ProcessRunner.server(serve + ["--tls-key", ca.key], timeout: 30)
        #expect(keyOnly.status == 64, "\(keyOnly.stderr)")

        let missing = ca.folder.appending("missing.pem").path
        let faults: [([String], String)] = [
            (["--tls-cert", missing, "--tls-key", ca.key], "The TLS certificate file \(missing) does not exist."),
            (["--tls-cert", ca.key, "--tls-key", ca.key], "The TLS certificate file \(ca.key) holds no PEM certificate."),
            (["--tls-cert", ca.certificate, "--tls-key", ca.certificate], "The TLS key file \(ca.certificate) holds no unencrypted PEM private key."),
            (
                ["--tls-cert", ca.certificate, "--tls-key", ca.folder.appending("ca.key").path],
                "The TLS key in \(ca.folder.appending("ca.key").path) is not the key of the certificate in \(ca.certificate).",
            ),
        ]
        for (options, sentence) in faults {
            let result = try ProcessRunner.server(serve + options, timeout: 30)
            #expect(result.status == 65, "\(options): \(result.stderr)")
            #expect(result.stderr == "doorstep-server: \(sentence)\n")
            #expect(result.stdout.isEmpty)
        }
    }

    @Test("Over TLS a connection over the cap gets 503, and an idle connection and a stalled handshake are closed",
          .enabled(if: canMakeCertificates))
    func limitsHoldOverTLS() throws {
        let ca = try TestCA()
        defer { ca.remove() }
        let deployment = try Deployment(addressCount: 1, serverArguments: [
            "--tls-cert", ca.certificate, "--tls-key", ca.key, "--idle-timeout", "2", "--header-timeout", "2", "--max-connections", "1",
        ])

        // While one connection is open (and not yet idle for 2 s), a second is answered 503 over TLS.
        // A try that took the idle timeout or longer (a loaded machine) proves nothing: the held
        // connection may have been closed meanwhile. Such a try is made again, three times at most.
        if FileManager.default.isExecutableFile(atPath: Self.curl) {
            var refused: ProcessResult
            var tookTooLong: Bool
            var tries = 0
            repeat {
                tries += 1
                let held = try RawHTTPConnection(url: deployment.url)
                let opened = Date()
                refused = try ProcessRunner.run(
                    URL(fileURLWithPath: Self.curl), ["-sS", "--cacert", ca.ca, "-o", "/dev/null", "-w", "%{http_code}", deployment.url + "/healthz"]
                )
                tookTooLong = Date().timeIntervalSince(opened) >= 2
                withExtendedLifetime(held) {}
            } while refused.stdout != "503" && tookTooLong && tries < 3
            #expect(refused.stdout == "503", "\(refused.stdout) \(refused.stderr) (try \(tries))")
        } else {
            print("Skipping the connection-cap check over TLS: \(Self.curl) is missing.")
        }

        // A connection that says nothing is closed after the idle timeout
        let idle = try RawHTTPConnection(url: deployment.url)
        var start = Date()
        #expect(idle.readUntilClosed() != nil)
        #expect(Date().timeIntervalSince(start) < 6)

        // A handshake that stops after its first bytes is cut off by the header timeout
        let stalled = try RawHTTPConnection(url: deployment.url)
        start = Date()
        stalled.send(Data([0x16, 0x03, 0x01, 0x02, 0x00, 0x01]))
        #expect(stalled.readUntilClosed() != nil)
        #expect(Date().timeIntervalSince(start) < 8)
    }
}
