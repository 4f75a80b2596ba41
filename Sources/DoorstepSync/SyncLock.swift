#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
public import Foundation

/// An exclusive lock on a file in the store home (`flock(2)`), so two syncs never run at once.
///
/// The kernel releases the lock when the process ends, however it ends (even `kill -9`), so a
/// crashed sync never leaves a stale lock behind. The holder writes its process id into the file
/// for the message the second sync prints.
public final class SyncLock: Sendable {
    /// The lock file's name inside the home folder.
    public static let fileName = "sync.lock"
    private let descriptor: Int32

    /// Takes the lock of `home` without waiting.
    /// - Throws: ``SyncError/alreadyRunning(holder:)`` when another process holds it, or a
    ///   `CocoaError` when the file cannot be opened.
    public init(home: URL) throws {
        let path = home.appendingPathComponent(Self.fileName).path
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            var buffer = [UInt8](repeating: 0, count: 32)
            let count = pread(descriptor, &buffer, buffer.count, 0)
            close(descriptor)
            let holder = count > 0
                ? String(decoding: buffer[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                : ""
            throw SyncError.alreadyRunning(holder: holder.isEmpty ? nil : holder)
        }
        self.descriptor = descriptor
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = pwrite(descriptor, pid, pid.count, 0)
    }

    deinit {
        _ = ftruncate(descriptor, 0)
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
