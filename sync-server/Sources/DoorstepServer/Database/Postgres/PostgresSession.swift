import Foundation
import Logging
import NIOCore
import PostgresNIO
import Synchronization

/// A session on the PostgreSQL store: one connection, inside the transaction the store opened.
///
/// It runs on a thread of the store's own pool and waits for each statement's answer there, as a
/// SQLite session waits for the disk: never on Swift's cooperative pool or an event loop.
final class PostgresSession: SQLSession {
    let connection: PostgresConnection
    let logger: Logger
    private(set) var changesCount = 0

    init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    var dialect: SQLDialect { .postgres }

    func execute(sql: String, arguments: [SQLValue]) throws {
        try arguments.withUnsafeBufferPointer { _ = try run(PostgresSQL.numbered(sql), $0) }
    }

    func fetchAll(sql: String, arguments: [SQLValue]) throws -> [SQLRow] {
        try arguments.withUnsafeBufferPointer { try run(PostgresSQL.numbered(sql), $0) }
    }

    func cursor(sql: String, arguments: [SQLValue]) throws -> any SQLRowCursor {
        Cursor(rows: try fetchAll(sql: sql, arguments: arguments))
    }

    func statement(sql: String) throws -> any SQLStatement {
        Statement(session: self, sql: PostgresSQL.numbered(sql))
    }

    /// Runs `sql` (numbered already) with `values` bound, and waits for every row.
    func run(_ sql: String, _ values: UnsafeBufferPointer<SQLValue>) throws -> [SQLRow] {
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

        func execute(values: UnsafeBufferPointer<SQLValue>) throws -> Int64? {
            try session.run(sql, values).first.flatMap { Int64(sqlValue: $0.value(at: 0)) }
        }

        func fetchAll(_ values: [SQLValue]) throws -> [SQLRow] {
            try values.withUnsafeBufferPointer { try session.run(sql, $0) }
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
