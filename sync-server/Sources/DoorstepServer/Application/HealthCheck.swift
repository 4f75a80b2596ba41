#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
public import Hummingbird
import Synchronization

/// `GET /healthz`: whether the server can do its job, which is to write what devices push.
///
/// It answers 200 `{"status": "ok"}` when the data directory's file system has at least the
/// configured free space and the database takes a write (``ServerDatabase/probeWrite()``, rolled
/// back); otherwise 503 `{"error": "unavailable", "message": ...}` with the reason and
/// `Retry-After`. The result is kept for ``reuseTime``, so a monitor (or anyone: the route needs
/// no token) polling it often takes the write lock at most once per interval.
public final class HealthCheck: Sendable {
    /// How long a check's result answers later requests.
    static let reuseTime = Duration.seconds(1)

    private let database: ServerDatabase
    private let minimumFreeBytes: Int64
    private let last = Mutex<(at: ContinuousClock.Instant, problem: String?)?>(nil)

    /// Creates the check of `database`, failing when its file system has less than `minimumFreeBytes` free.
    public init(database: ServerDatabase, minimumFreeBytes: Int64) {
        self.database = database
        self.minimumFreeBytes = minimumFreeBytes
    }

    /// The answer to `GET /healthz`.
    @Sendable public func respond(_ request: Request, context: AppRequestContext) async -> Response {
        guard let problem = await problem() else {
            return Response.json(["status": "ok"])
        }
        return APIError.unavailable(problem, retryAfter: 30).response
    }

    /// Why the server cannot write now, or `nil` when it can.
    func problem() async -> String? {
        let now = ContinuousClock.now
        if let last = last.withLock({ $0 }), now - last.at < Self.reuseTime { return last.problem }
        let problem = await check()
        last.withLock { $0 = (now, problem) }
        return problem
    }

    private func check() async -> String? {
        if let free = freeBytes(), free < minimumFreeBytes {
            let mebibytes = { (bytes: Int64) in "\(bytes / 1_048_576) MiB" }
            return "The data directory's disk has \(mebibytes(free)) free, less than the \(mebibytes(minimumFreeBytes)) the server needs."
        }
        do {
            try await database.probeWrite()
            return nil
        } catch {
            return "The server cannot write its database: \(error)."
        }
    }

    /// The bytes free to this process on the data directory's file system; `nil` if unknown.
    private func freeBytes() -> Int64? {
        guard let directory = database.directory else { return nil }
        var stats = statvfs()
        guard statvfs(directory.path, &stats) == 0 else { return nil }
        return Int64(clamping: UInt64(stats.f_bavail) &* UInt64(stats.f_frsize))
    }
}
