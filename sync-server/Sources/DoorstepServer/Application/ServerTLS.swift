import Foundation
public import NIOSSL

/// The certificate and private key the server speaks TLS with (`serve --tls-cert --tls-key`).
///
/// Both PEM files are read and checked together when the server starts, so that a missing file,
/// a file of the wrong kind or a key that belongs to another certificate is one sentence then,
/// not a failed handshake for every laptop that connects.
public struct ServerTLS: Sendable {
    /// The settings of every connection: the certificate chain and its key, TLS 1.2 or later.
    public let configuration: TLSConfiguration

    /// Reads and checks the certificate chain and its key.
    ///
    /// - Parameters:
    ///   - certificateFile: A PEM file of the server's certificate, followed by any intermediate
    ///     CA certificates a client needs to reach its CA.
    ///   - keyFile: A PEM file of the certificate's private key, unencrypted.
    /// - Throws: ``ServerTLSError`` naming the file at fault.
    public init(certificateFile: String, keyFile: String) throws(ServerTLSError) {
        let certificateBytes = try Self.read(certificateFile, .certificate)
        let keyBytes = try Self.read(keyFile, .key)
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMBytes(certificateBytes)
        } catch {
            throw .malformed(.certificate, path: certificateFile)
        }
        guard !chain.isEmpty else { throw .malformed(.certificate, path: certificateFile) }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(bytes: keyBytes, format: .pem)
        } catch {
            throw .malformed(.key, path: keyFile)
        }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key)
        )
        configuration.minimumTLSVersion = .tlsv12
        // BoringSSL refuses a key that is not the certificate's when it takes the pair.
        do {
            _ = try NIOSSLContext(configuration: configuration)
        } catch {
            throw .keyMismatch(certificatePath: certificateFile, keyPath: keyFile)
        }
        self.configuration = configuration
    }

    /// The bytes of `path`, or why they cannot be had.
    private static func read(_ path: String, _ file: ServerTLSError.File) throws(ServerTLSError) -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .unreadable(file, path: path, reason: "does not exist")
        }
        guard !isDirectory.boolValue else { throw .unreadable(file, path: path, reason: "is a directory") }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw .unreadable(file, path: path, reason: "cannot be read by this user (check its owner and mode)")
        }
        do {
            return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw .unreadable(file, path: path, reason: "cannot be read")
        }
    }
}

/// Why ``ServerTLS`` cannot use the files it was given, as one sentence naming the file.
public enum ServerTLSError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Which of the two files a fault is in.
    public enum File: Sendable, Hashable {
        case certificate, key
    }

    /// The file is missing, a directory, or not readable by the server's user.
    case unreadable(File, path: String, reason: String)
    /// The file holds no PEM certificate, or no unencrypted PEM private key.
    case malformed(File, path: String)
    /// The key is not the certificate's.
    case keyMismatch(certificatePath: String, keyPath: String)

    public var description: String {
        switch self {
        case .unreadable(let file, let path, let reason):
            "The TLS \(Self.name(file)) file \(path) \(reason)."
        case .malformed(.certificate, let path):
            "The TLS certificate file \(path) holds no PEM certificate."
        case .malformed(.key, let path):
            "The TLS key file \(path) holds no unencrypted PEM private key."
        case .keyMismatch(let certificatePath, let keyPath):
            "The TLS key in \(keyPath) is not the key of the certificate in \(certificatePath)."
        }
    }

    private static func name(_ file: File) -> String {
        switch file {
        case .certificate: "certificate"
        case .key: "key"
        }
    }
}
