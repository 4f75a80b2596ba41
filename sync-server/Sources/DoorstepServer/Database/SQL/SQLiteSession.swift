import Foundation
public import GRDB
import GRDBSQLite

/// A session on the embedded store: one GRDB connection, inside the transaction GRDB opened.
public final class SQLiteSession: SQLSession {
    /// The GRDB connection.
    let db: Database

    /// A session on `db`, for as long as GRDB lends it.
    public init(_ db: Database) {
        self.db = db
    }

    public var dialect: SQLDialect { .sqlite }

    public func execute(sql: String, arguments: [SQLValue]) throws {
        if arguments.isEmpty {
            try db.execute(sql: sql)
        } else {
            try db.execute(sql: sql, arguments: Self.arguments(arguments))
        }
    }

    public func fetchAll(sql: String, arguments: [SQLValue]) throws -> [SQLRow] {
        try Row.fetchAll(db, sql: sql, arguments: Self.arguments(arguments)).map(SQLRow.init(sqlite:))
    }

    public func cursor(sql: String, arguments: [SQLValue]) throws -> any SQLRowCursor {
        Cursor(rows: try Row.fetchCursor(db, sql: sql, arguments: Self.arguments(arguments)))
    }

    public func statement(sql: String) throws -> any SQLStatement {
        SQLiteStatement(statement: try db.cachedStatement(sql: sql))
    }

    public var changesCount: Int { db.changesCount }

    static func arguments(_ values: [SQLValue]) -> StatementArguments {
        StatementArguments(values.map(\.databaseValue))
    }

    private final class Cursor: SQLRowCursor {
        let rows: RowCursor

        init(rows: RowCursor) {
            self.rows = rows
        }

        func next() throws -> SQLRow? {
            try rows.next().map(SQLRow.init(sqlite:))
        }
    }
}

extension SQLValue {
    /// The value as GRDB binds it.
    var databaseValue: DatabaseValue {
        switch self {
        case .null: .null
        case .integer(let value): value.databaseValue
        case .real(let value): value.databaseValue
        case .text(let value): value.databaseValue
        }
    }
}

/// A statement of the embedded store run straight through SQLite's C API
/// (<https://www.sqlite.org/c3ref/stmt.html>) rather than through GRDB's `execute(arguments:)`,
/// which gathers `StatementArguments` and does its bookkeeping for every row. Text is bound as GRDB
/// binds it (up to its first NUL), without being copied.
///
/// Only for statements run inside the session's own write transaction: there is no transaction
/// observer to notify, and an error throws and rolls the whole transaction back.
struct SQLiteStatement: SQLStatement {
    let statement: Statement

    func execute(values: UnsafeBufferPointer<SQLValue>) throws -> Int64? {
        sqlite3_reset(statement.sqliteStatement)
        // No binding outlives the text it points to.
        defer { sqlite3_clear_bindings(statement.sqliteStatement) }
        return try bind(values, from: 0)
    }

    func fetchAll(_ values: [SQLValue]) throws -> [SQLRow] {
        try Row.fetchAll(statement, arguments: SQLiteSession.arguments(values)).map(SQLRow.init(sqlite:))
    }

    /// Binds `values` from `index` on, each text only while it is bound, then runs the statement.
    private func bind(_ values: UnsafeBufferPointer<SQLValue>, from index: Int) throws -> Int64? {
        guard index < values.count else { return try step() }
        let parameter = CInt(index + 1)
        let code: CInt
        switch values[index] {
        case .text(let text):
            return try text.withCString { pointer in
                try check(sqlite3_bind_text(statement.sqliteStatement, parameter, pointer, -1, nil))
                return try bind(values, from: index + 1)
            }
        case .integer(let value):
            code = sqlite3_bind_int64(statement.sqliteStatement, parameter, value)
        case .real(let value):
            code = sqlite3_bind_double(statement.sqliteStatement, parameter, value)
        case .null:
            code = sqlite3_bind_null(statement.sqliteStatement, parameter)
        }
        try check(code)
        return try bind(values, from: index + 1)
    }

    /// Runs the statement to its end; the rowid of the row it inserted, if it changed any.
    private func step() throws -> Int64? {
        var code = sqlite3_step(statement.sqliteStatement)
        while code == SQLITE_ROW { code = sqlite3_step(statement.sqliteStatement) }
        guard code == SQLITE_DONE else {
            let message = String(cString: sqlite3_errmsg(sqlite3_db_handle(statement.sqliteStatement)))
            sqlite3_reset(statement.sqliteStatement)
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: statement.sql)
        }
        let db = sqlite3_db_handle(statement.sqliteStatement)
        return sqlite3_changes(db) > 0 ? sqlite3_last_insert_rowid(db) : nil
    }

    private func check(_ code: CInt) throws {
        guard code == SQLITE_OK else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: "A value could not be bound.", sql: statement.sql)
        }
    }
}
