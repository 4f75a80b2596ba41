import Foundation
import GRDB
import GRDBSQLite

/// A statement the push path runs for many rows straight through SQLite's C API
/// (<https://www.sqlite.org/c3ref/stmt.html>), rather than through GRDB's `execute(arguments:)`,
/// which gathers `StatementArguments` and does its bookkeeping for every row. Text is bound as GRDB
/// binds it (up to its first NUL), without being copied.
///
/// Only for the inserts and updates ``PushBatch`` runs inside its own write transaction: there is
/// no transaction observer to notify, and an error throws and rolls the whole batch back.
struct BindingStatement {
    private let statement: Statement

    /// Prepares `sql` for this batch; the statement is not shared with GRDB's statement cache.
    init(_ db: Database, sql: String) throws {
        statement = try db.makeStatement(sql: sql)
    }

    /// Runs the statement with `values` bound to its parameters in order.
    ///
    /// - Throws: A `DatabaseError` when SQLite refuses a value or the statement.
    func execute<each Value: SQLiteBindable>(_ values: repeat each Value) throws {
        var count = 0
        for _ in repeat each values { count += 1 }
        try withUnsafeTemporaryAllocation(of: SQLiteValue.self, capacity: count) { buffer in
            var index = 0
            for value in repeat each values {
                (buffer.baseAddress! + index).initialize(to: value.sqliteValue)
                index += 1
            }
            defer { buffer.baseAddress!.deinitialize(count: count) }
            sqlite3_reset(statement.sqliteStatement)
            // No binding outlives the text it points to.
            defer { sqlite3_clear_bindings(statement.sqliteStatement) }
            try bind(UnsafeBufferPointer(buffer), from: 0)
        }
    }

    /// Binds `values` from `index` on, each text only while it is bound, then runs the statement.
    private func bind(_ values: UnsafeBufferPointer<SQLiteValue>, from index: Int) throws {
        guard index < values.count else { return try step() }
        let parameter = CInt(index + 1)
        let code: CInt
        switch values[index] {
        case .text(let text):
            return try text.withCString { pointer in
                try check(sqlite3_bind_text(statement.sqliteStatement, parameter, pointer, -1, nil))
                try bind(values, from: index + 1)
            }
        case .integer(let value):
            code = sqlite3_bind_int64(statement.sqliteStatement, parameter, value)
        case .null:
            code = sqlite3_bind_null(statement.sqliteStatement, parameter)
        }
        try check(code)
        try bind(values, from: index + 1)
    }

    private func step() throws {
        let code = sqlite3_step(statement.sqliteStatement)
        guard code == SQLITE_DONE else {
            let message = String(cString: sqlite3_errmsg(sqlite3_db_handle(statement.sqliteStatement)))
            sqlite3_reset(statement.sqliteStatement)
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: statement.sql)
        }
    }

    private func check(_ code: CInt) throws {
        guard code == SQLITE_OK else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: "A value could not be bound.", sql: statement.sql)
        }
    }
}

/// A value ``BindingStatement`` binds.
enum SQLiteValue {
    case text(String)
    case integer(Int64)
    case null
}

/// What ``BindingStatement`` can bind.
protocol SQLiteBindable {
    var sqliteValue: SQLiteValue { get }
}

extension String: SQLiteBindable {
    var sqliteValue: SQLiteValue { .text(self) }
}

extension Int64: SQLiteBindable {
    var sqliteValue: SQLiteValue { .integer(self) }
}

extension Int: SQLiteBindable {
    var sqliteValue: SQLiteValue { .integer(Int64(self)) }
}

extension Optional: SQLiteBindable where Wrapped: SQLiteBindable {
    var sqliteValue: SQLiteValue { self?.sqliteValue ?? .null }
}
