#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Files that hold personal data: readable by the server's own user only.
///
/// Each is created with mode 0600 before anything is written to it (SQLite gives a database's
/// `-wal`, `-shm` and `-journal` files the database's own mode), and an existing one that is more
/// open is set back to 0600; its directory is kept at 0700.
enum PrivateFiles {
    /// The suffixes of the files SQLite keeps beside a database.
    static let companions = ["-wal", "-shm", "-journal"]

    /// Creates `directory` (0700) if it is missing, sets it to 0700, creates each of `files` empty
    /// (0600) if it is missing, and sets each, and the SQLite files beside it, to 0600.
    ///
    /// - Throws: A file-system error.
    static func prepare(directory: URL, files: [URL]) throws {
        let manager = FileManager.default
        try manager.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try manager.setAttributes([.posixPermissions: 0o700], ofItemAtPath: directory.path)
        for file in files {
            if !manager.fileExists(atPath: file.path) { try create(file) }
            for path in [file.path] + companions.map({ file.path + $0 }) where manager.fileExists(atPath: path) {
                try manager.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
            }
        }
    }

    /// Creates `file` empty with mode 0600.
    ///
    /// - Throws: ``AdminError`` when it exists already or cannot be created.
    static func create(_ file: URL) throws {
        let descriptor = open(file.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            let reason = String(cString: strerror(errno))
            throw AdminError("\(file.path) cannot be created: \(reason).")
        }
        close(descriptor)
    }
}
