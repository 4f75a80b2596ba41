import Foundation
import Logging
import NIOCore
import PostgresNIO
import Synchronization

/// A session on the PostgreSQL store: one connection, inside the transaction the store opened.
///
/// It runs on a thread of the store's own pool and waits for each statement's answer there, as a
/// SQLite session waits for the disk: never on Swift's cooperative pool or an event loop.
///
/// Each statement costs a round trip to PostgreSQL, so appended rows
/// (``appendingStatement(_:)``) wait in the session and go with `COPY`, sent without waiting,
/// before any other statement and before `COMMIT`. The operation's savepoint is sent
/// only when a statement other than an append runs inside it: an operation that only appends
/// (a knock and its log entry) needs none, and rolling it back drops its rows unsent.
final class PostgresSession: SQLSession {
    let connection: PostgresConnection
    let logger: Logger
    private(set) var changesCount = 0
    /// The appending statements of this session, in the order they were made.
    private var appends: [Appends] = []
    /// Whether an operation's savepoint is open and whether PostgreSQL has it yet.
    private var savepoint = Savepoint.none
    /// `COPY`s sent and not answered yet, in the order sent: every other statement waits for them.
    private var copies: [(future: EventLoopFuture<Void>, statement: String)] = []

    private enum Savepoint {
        case none
        /// Begun but not sent: the number of rows each appending statement held when it began.
        case pending(marks: [Int])
        /// Sent: rows appended since are inside it.
        case sent
    }

    init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    var dialect: SQLDialect { .postgres }

    func execute(sql: String, arguments: [SQLValue]) throws {
        try beforeStatement()
        try arguments.withUnsafeBufferPointer { _ = try run(PostgresSQL.numbered(sql), $0) }
    }

    func fetchAll(sql: String, arguments: [SQLValue]) throws -> [SQLRow] {
        try beforeStatement()
        return try arguments.withUnsafeBufferPointer { try run(PostgresSQL.numbered(sql), $0) }
    }

    func cursor(sql: String, arguments: [SQLValue]) throws -> any SQLRowCursor {
        Cursor(rows: try fetchAll(sql: sql, arguments: arguments))
    }

    func statement(sql: String) throws -> any SQLStatement {
        Statement(session: self, sql: PostgresSQL.numbered(sql), besideAppends: false)
    }

    func statementBesideAppends(sql: String) throws -> any SQLStatement {
        Statement(session: self, sql: PostgresSQL.numbered(sql), besideAppends: true)
    }

    func appendingStatement(_ insert: SQLInsert) throws -> any SQLStatement {
        let appends = Appends(insert: insert, session: self, index: appends.count)
        self.appends.append(appends)
        return appends
    }

    var appendsWait: Bool { true }

    func reserveKeys(table: String, column: String, count: Int) throws -> [Int64] {
        guard count > 0 else { return [] }
        let statement = try statementBesideAppends(
            sql: "SELECT nextval(pg_get_serial_sequence(?, ?)) FROM generate_series(1, ?)"
        )
        return try statement.fetchAll([.text(table), .text(column), .integer(Int64(count))]).compactMap {
            Int64(sqlValue: $0.value(at: 0))
        }
    }

    func beginSavepoint() throws {
        savepoint = .pending(marks: appends.map(\.rowCount))
    }

    func rollbackToSavepoint() throws {
        switch savepoint {
        case .none:
            break
        case .pending(let marks):
            // An appending statement made inside the savepoint holds only rows of it.
            for (index, appends) in appends.enumerated() { appends.drop(after: index < marks.count ? marks[index] : 0) }
        case .sent:
            for appends in appends { appends.drop(after: 0) }
            _ = try run("ROLLBACK TO SAVEPOINT operation", UnsafeBufferPointer(start: nil, count: 0))
        }
    }

    func releaseSavepoint() throws {
        if case .sent = savepoint {
            _ = try run("RELEASE SAVEPOINT operation", UnsafeBufferPointer(start: nil, count: 0))
        }
        savepoint = .none
    }

    /// Sends every row still waiting and waits for PostgreSQL to take them; the store calls it
    /// before `COMMIT`.
    func sendAppends() throws {
        try sendSavepoint()
        for appends in appends { try appends.send() }
        try waitForCopies()
    }

    /// Before a statement other than an append: the savepoint it runs in, then the rows it may read.
    private func beforeStatement(besideAppends: Bool = false) throws {
        try sendSavepoint()
        if !besideAppends {
            for appends in appends { try appends.send() }
        }
    }

    /// Sends a pending savepoint after the rows appended before it began.
    private func sendSavepoint() throws {
        guard case .pending(let marks) = savepoint else { return }
        for (appends, mark) in zip(appends, marks) { try appends.send(upTo: mark) }
        _ = try run("SAVEPOINT operation", UnsafeBufferPointer(start: nil, count: 0))
        savepoint = .sent
    }

    /// Whether rows may be sent now without waiting for a savepoint to be decided.
    fileprivate var sendsFullStatements: Bool {
        if case .none = savepoint { true } else { false }
    }

    /// Runs `sql` (numbered already) with `values` bound, and waits for every row.
    func run(_ sql: String, _ values: UnsafeBufferPointer<SQLValue>) throws -> [SQLRow] {
        try waitForCopies()
        var bindings = PostgresBindings(capacity: values.count)
        for value in values {
            switch value {
            case .null: bindings.appendNull()
            case .integer(let value): bindings.append(value)
            case .real(let value): bindings.append(value)
            case .text(let value):
                guard !value.utf8.contains(0) else { throw TextWithNUL() }
                bindings.append(value)
            }
        }
        let result: PostgresQueryResult
        do {
            result = try connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger).wait()
        } catch {
            if let failure = StoreFailure(error) { throw failure }
            throw PostgresStatementError(error, sql: sql)
        }
        changesCount = result.metadata.rows ?? 0
        return result.rows.map(SQLRow.init(postgres:))
    }

    private struct Statement: SQLStatement {
        let session: PostgresSession
        let sql: String
        let besideAppends: Bool

        func execute(values: UnsafeBufferPointer<SQLValue>) throws -> Int64? {
            try session.beforeStatement(besideAppends: besideAppends)
            return try session.run(sql, values).first.flatMap { Int64(sqlValue: $0.value(at: 0)) }
        }

        func fetchAll(_ values: [SQLValue]) throws -> [SQLRow] {
            try session.beforeStatement(besideAppends: besideAppends)
            return try values.withUnsafeBufferPointer { try session.run(sql, $0) }
        }
    }

    /// The rows of one appending statement that wait to be sent, their values one after another.
    /// They go with `COPY`: straight into the table, or, for an insert with `ON CONFLICT`, into a
    /// temporary table of the same columns, whose rows one statement then moves into the table.
    private final class Appends: SQLStatement {
        /// Rows per `COPY`, sent without waiting: few enough that PostgreSQL loads them while the
        /// session prepares the next.
        static let rowsPerCopy = 512

        let insert: SQLInsert
        unowned let session: PostgresSession
        /// Which of the session's appending statements this is, for its temporary table's name.
        let index: Int
        private var values: [SQLValue] = []
        /// The statement that moves the temporary table's rows into the table, once the
        /// temporary table is made.
        private var move: String?

        init(insert: SQLInsert, session: PostgresSession, index: Int) {
            self.insert = insert
            self.session = session
            self.index = index
        }

        var rowCount: Int { values.count / insert.columns.count }

        func execute(values row: UnsafeBufferPointer<SQLValue>) throws -> Int64? {
            precondition(row.count == insert.columns.count, "\(insert.table): \(row.count) values for \(insert.columns.count) columns")
            for value in row {
                if case .text(let text) = value, text.utf8.contains(0) { throw TextWithNUL() }
            }
            values.append(contentsOf: row)
            // Rows moved through the temporary table wait for a read or the commit: one move then.
            if insert.suffix.isEmpty, rowCount >= Self.rowsPerCopy, session.sendsFullStatements { try send() }
            return nil
        }

        func fetchAll(_ values: [SQLValue]) throws -> [SQLRow] {
            try values.withUnsafeBufferPointer { _ = try execute(values: $0) }
            return []
        }

        /// Sends the first `limit` rows (all when nil).
        func send(upTo limit: Int? = nil) throws {
            let count = min(limit ?? rowCount, rowCount) * insert.columns.count
            guard count > 0 else { return }
            if insert.suffix.isEmpty {
                try session.copy(into: insert.table, columns: insert.columns, values[0..<count])
            } else {
                let move = try temporaryTable()
                // PostgresNIO quotes the name whole: unqualified, a temporary table is found first.
                try session.copy(into: temporaryName, columns: insert.columns, values[0..<count])
                _ = try session.run(move, UnsafeBufferPointer(start: nil, count: 0))
            }
            values.removeFirst(count)
        }

        /// Forgets the rows after the first `count`.
        func drop(after count: Int) {
            values.removeLast(values.count - min(values.count, count * insert.columns.count))
        }

        private var temporaryName: String { "doorstep_append_\(insert.table)_\(index)" }

        /// Makes the temporary table (it lasts as long as the connection, and is emptied at every
        /// commit, so that no dead rows pile up in it) and returns the statement that moves its
        /// rows into the table.
        private func temporaryTable() throws -> String {
            if let move { return move }
            _ = try session.run(
                "CREATE TEMP TABLE IF NOT EXISTS \(temporaryName) (LIKE \(insert.table)) ON COMMIT DELETE ROWS",
                UnsafeBufferPointer(start: nil, count: 0)
            )
            let columns = insert.columns.joined(separator: ", ")
            let move = """
                WITH moved AS (DELETE FROM pg_temp.\(temporaryName) RETURNING \(columns))
                INSERT INTO \(insert.table)(\(columns)) SELECT \(columns) FROM moved \(insert.suffix)
                """
            self.move = move
            return move
        }
    }

    /// Sends `values`, rows of `columns` one after another, into `table` with `COPY … FROM STDIN`
    /// in its text format (``PostgresCopyText``): PostgreSQL's own bulk load, within the transaction.
    fileprivate func copy(into table: String, columns: [String], _ values: ArraySlice<SQLValue>) throws {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(values.count * 24)
        PostgresCopyText.append(values, width: columns.count, to: &bytes)
        // Sent without waiting: PostgreSQL loads these rows while the session prepares the next.
        let (connection, logger, buffer) = (connection, logger, ByteBuffer(bytes: bytes))
        let executor = ConnectionLoopExecutor(connection.eventLoop)
        let future = connection.eventLoop.makeFutureWithTask {
            try await withTaskExecutorPreference(executor) {
                try await Self.copy(buffer, into: table, columns: columns, on: connection, logger: logger)
            }
        }
        copies.append((future, "COPY \(table)(\(columns.joined(separator: ", "))) FROM STDIN"))
    }

    /// Sends `rows`, in `COPY`'s text format, into `table` over `connection`; run on the
    /// connection's event loop.
    private static func copy(
        _ rows: ByteBuffer, into table: String, columns: [String], on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.copyFrom(table: table, columns: columns, logger: logger) { writer in
            try await requireOpen(connection)
            try await writer.write(rows)
            try await requireOpen(connection)
        }
    }

    /// Returns at once while `connection` is open; once it closed, waits until PostgresNIO let go
    /// of it, then throws a ``StoreFailure``.
    ///
    /// PostgresNIO (1.33) stops the process with a failed precondition when a `COPY`'s data, its
    /// end or its abort reaches a connection that closed since the `COPY` began (PostgreSQL shut
    /// down or restarted, the network failed), until the connection's handler is removed, a turn
    /// of the event loop after the close. ``copy(into:columns:_:)`` runs the `COPY` on the
    /// connection's own event loop (``ConnectionLoopExecutor``), so this check and the call after it
    /// run in one turn of the loop, with no close between them; and once closed it throws only
    /// after the handler is gone, when the abort fails as an error rather than a crash.
    private static func requireOpen(_ connection: PostgresConnection) async throws {
        guard connection.isClosed else { return }
        try? await connection.closeFuture.get()
        throw StoreFailure(reason: "PostgreSQL connection: closed during a COPY")
    }

    /// Rolls the transaction back, once every `COPY` sent has been answered, refused or not.
    func rollback() throws {
        for (future, _) in copies { _ = try? future.wait() }
        copies.removeAll()
        _ = try run("ROLLBACK", UnsafeBufferPointer(start: nil, count: 0))
    }

    /// Waits for every `COPY` sent; the first refused fails the statement waiting for it.
    private func waitForCopies() throws {
        while !copies.isEmpty {
            let (future, sql) = copies.removeFirst()
            do {
                try future.wait()
            } catch {
                if let failure = StoreFailure(error) { throw failure }
                throw PostgresStatementError(error, sql: sql)
            }
        }
    }

    private final class Cursor: SQLRowCursor {
        var rows: IndexingIterator<[SQLRow]>

        init(rows: [SQLRow]) {
            self.rows = rows.makeIterator()
        }

        func next() throws -> SQLRow? {
            rows.next()
        }
    }
}

/// SQL as the server writes it, turned into PostgreSQL's.
enum PostgresSQL {
    /// Statements numbered already, by their SQLite text.
    private static let cache = Mutex<[String: String]>([:])

    /// `sql` with SQLite's parameters, `?` and `?NNN`, written as PostgreSQL's `$N`: a bare `?`
    /// takes the number after the largest so far, as in SQLite. Quoted text, quoted names and
    /// comments are left alone.
    static func numbered(_ sql: String) -> String {
        if let cached = cache.withLock({ $0[sql] }) { return cached }
        var output = ""
        output.reserveCapacity(sql.utf8.count + 16)
        var largest = 0
        var quote: Character?
        var comment = false
        var characters = sql.makeIterator()
        var pending: Character? = characters.next()
        while let character = pending {
            pending = characters.next()
            if comment {
                output.append(character)
                if character == "\n" { comment = false }
            } else if let open = quote {
                output.append(character)
                if character == open { quote = nil }
            } else if character == "'" || character == "\"" {
                quote = character
                output.append(character)
            } else if character == "-", pending == "-" {
                comment = true
                output.append(character)
            } else if character == "?" {
                var digits = ""
                while let next = pending, next.isASCII, next.isNumber {
                    digits.append(next)
                    pending = characters.next()
                }
                let number = Int(digits) ?? largest + 1
                largest = max(largest, number)
                output += "$\(number)"
            } else {
                output.append(character)
            }
        }
        cache.withLock { cache in
            if cache.count > 4_096 { cache.removeAll() }
            cache[sql] = output
        }
        return output
    }
}

/// A statement PostgreSQL refused: its SQLSTATE and message, and the statement (never its
/// values, which may be personal data).
public struct PostgresStatementError: Error, CustomStringConvertible {
    /// PostgreSQL's SQLSTATE, such as `23505` for a unique violation.
    public var sqlState: String
    /// PostgreSQL's message.
    public var message: String
    /// The statement, as sent.
    public var sql: String

    init(_ error: any Error, sql: String) {
        let server = (error as? PSQLError)?.serverInfo
        sqlState = server?[.sqlState] ?? ""
        message = server?[.message] ?? String(reflecting: error)
        self.sql = sql
    }

    public var description: String {
        "PostgreSQL \(sqlState): \(message) (in \(sql.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")))"
    }
}

/// A text to store or look up holds the NUL character, which PostgreSQL's text cannot hold; the
/// request is answered 400.
public struct TextWithNUL: Error, CustomStringConvertible {
    public var description: String { "A text in the request holds the NUL character (\\u0000), which the database cannot keep." }
}

/// Runs a task's work on one event loop: a task that prefers it runs each of its steps in a turn of
/// that loop, where the connection's own handler runs (see `PostgresSession.requireOpen(_:)`).
private final class ConnectionLoopExecutor: TaskExecutor {
    private let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
