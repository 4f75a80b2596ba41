import GRDB
import PostgresNIO

/// An error that says a store cannot be read or written for now, rather than that the request or
/// the data is wrong: the server answers 503 with `Retry-After`, and devices try again later.
public struct StoreFailure: Error, CustomStringConvertible {
    /// What went wrong, in a few words.
    public var reason: String

    public var description: String { reason }

    /// A failure for `reason`.
    init(reason: String) {
        self.reason = reason
    }

    /// The failure `error` stands for, when it is one; `nil` for any other error.
    ///
    /// SQLite: a full disk, an I/O error, a read-only file, a file it cannot open, a lock held too
    /// long. PostgreSQL: a connection that cannot be made or was lost (a restart, a network
    /// failure), and the server's SQLSTATE classes 08 (connection), 53 (insufficient resources),
    /// 57 (operator intervention: a shutdown) and 25006 (a read-only standby).
    init?(_ error: any Error) {
        switch error {
        case let failure as StoreFailure:
            self = failure
        case let error as DatabaseError:
            let temporary: [ResultCode] = [.SQLITE_FULL, .SQLITE_IOERR, .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_BUSY, .SQLITE_LOCKED]
            guard temporary.contains(error.resultCode.primaryResultCode) else { return nil }
            reason = error.message.map { "\(error.resultCode): \($0)" } ?? "\(error.resultCode)"
        case let error as PSQLError:
            switch error.code {
            case .server:
                let state = error.serverInfo?[.sqlState] ?? ""
                guard state.hasPrefix("08") || state.hasPrefix("53") || state.hasPrefix("57") || state == "25006" else { return nil }
                reason = "PostgreSQL \(state): \(error.serverInfo?[.message] ?? "")"
            case .serverClosedConnection, .clientClosedConnection, .connectionError, .uncleanShutdown, .poolClosed:
                reason = "PostgreSQL connection: \(error.code)"
            default:
                return nil
            }
        default:
            return nil
        }
    }

    /// A few words on `error`: the failure's reason when it is one, PostgreSQL's own message for
    /// its other errors, else the error's description.
    public static func reason(_ error: any Error) -> String {
        if let failure = StoreFailure(error) { return failure.reason }
        if let error = error as? PSQLError, let message = error.serverInfo?[.message] {
            return "PostgreSQL \(error.serverInfo?[.sqlState] ?? ""): \(message)"
        }
        return "\(error)"
    }
}
