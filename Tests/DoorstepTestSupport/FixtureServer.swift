public import Foundation

/// The Python fixture server of `Tests/DoorstepTransportTests/Fixtures/fixture_server.py` on a
/// free loopback port (status codes, large and gzip bodies, stalls, dropped connections, TLS, and
/// a forwarding HTTP proxy), stopped when released.
public final class FixtureServer: @unchecked Sendable {
    /// The port it listens on.
    public private(set) var port = 0
    /// `http://127.0.0.1:PORT` or `https://127.0.0.1:PORT`.
    public let scheme: String
    private let process = Process()
    private let output = Pipe()
    private let errors: TemporaryFile

    /// The fixture script in the source tree.
    public static let script = BuiltProducts.packageRoot
        .appendingPathComponent("Tests/DoorstepTransportTests/Fixtures/fixture_server.py")

    /// Starts the fixture, with TLS when a certificate and key (PEM files) are given, and waits
    /// for the port it prints.
    public init(tlsCertificate: String? = nil, tlsKey: String? = nil) throws {
        errors = try TemporaryFile()
        scheme = tlsCertificate == nil ? "http" : "https"
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        var arguments = ["python3", Self.script.path, "--port", "0"]
        if let tlsCertificate, let tlsKey { arguments += ["--tls-cert", tlsCertificate, "--tls-key", tlsKey] }
        process.arguments = arguments
        process.standardOutput = output
        process.standardError = errors.handle
        try process.run()
        if let port = PrintedPort.read(from: output, of: process) { self.port = port }
        guard port > 0 else {
            stop()
            throw ServerStartError(log: errors.contents())
        }
    }

    /// The URL of `path` (which may include a query) on the fixture.
    public func url(_ path: String) -> URL {
        URL(string: "\(scheme)://127.0.0.1:\(port)\(path)")!
    }

    /// Stops the fixture and waits for it to end.
    public func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// What the fixture logged on stderr so far.
    public func log() -> String {
        (try? String(contentsOf: errors.url, encoding: .utf8)) ?? ""
    }

    deinit {
        stop()
    }
}

/// A private certificate authority and a server certificate for 127.0.0.1 signed by it, made
/// with the `openssl` command line in a temporary folder.
public struct PrivateCA: Sendable {
    /// The CA certificate (PEM), what a client passes as `--cacert`.
    public let caCertificate: String
    /// The server certificate (PEM) for IP 127.0.0.1.
    public let serverCertificate: String
    /// The server's private key (PEM).
    public let serverKey: String
    /// The folder holding the files.
    public let folder: TemporaryDirectory

    /// Generates the CA and the server certificate.
    public init() throws {
        folder = try TemporaryDirectory("doorstep-ca")
        caCertificate = folder.appending("ca.pem").path
        serverCertificate = folder.appending("server.pem").path
        serverKey = folder.appending("server.key").path
        let caKey = folder.appending("ca.key").path
        let request = folder.appending("server.csr").path
        let extensions = try folder.write(
            "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n",
            to: "server.ext"
        )
        let openssl = URL(fileURLWithPath: "/usr/bin/env")
        let steps: [[String]] = [
            ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-keyout", caKey, "-out", caCertificate, "-days", "2", "-subj", "/CN=Doorstep Test CA",
             "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
            ["openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-keyout", serverKey, "-out", request, "-subj", "/CN=127.0.0.1"],
            ["openssl", "x509", "-req", "-in", request, "-CA", caCertificate, "-CAkey", caKey, "-CAcreateserial",
             "-out", serverCertificate, "-days", "2", "-extfile", extensions],
        ]
        for step in steps {
            let result = try ProcessRunner.run(openssl, step, timeout: 60)
            guard result.status == 0 else { throw CertificateError(step: step.joined(separator: " "), log: result.stderr) }
        }
    }
}

/// An `openssl` step failed.
public struct CertificateError: Error, CustomStringConvertible {
    public let step: String
    public let log: String
    public var description: String { "\(step) failed: \(log)" }
}
