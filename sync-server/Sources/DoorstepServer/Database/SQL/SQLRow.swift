import Foundation
import GRDB
import PostgresNIO

/// One row a query returned, from either store, read by column name or index.
///
/// A row read from a cursor is valid until the cursor moves on. Two rows are equal when they have
/// the same columns holding the same values.
///
/// A row is `Sendable`: a GRDB row that ``SQLSession/fetchAll(sql:arguments:)`` returns is a copy
/// that nothing mutates, and a PostgreSQL row is a value. (A cursor's row, which GRDB reuses,
/// never leaves the closure the session was given to.)
public struct SQLRow: @unchecked Sendable, Equatable {
    private enum Storage {
        case sqlite(Row)
        case postgres(PostgresRandomAccessRow)
    }

    private let storage: Storage

    init(sqlite row: Row) {
        storage = .sqlite(row)
    }

    init(postgres row: PostgresRow) {
        storage = .postgres(row.makeRandomAccess())
    }

    public static func == (lhs: SQLRow, rhs: SQLRow) -> Bool {
        lhs.columnNames == rhs.columnNames && (0..<lhs.columnNames.count).allSatisfy { lhs.value(at: $0) == rhs.value(at: $0) }
    }

    /// The names of the columns, in order.
    public var columnNames: [String] {
        switch storage {
        case .sqlite(let row): Array(row.columnNames)
        case .postgres(let row): row.map(\.columnName)
        }
    }

    /// The index of the column called `name`, if the row has one.
    public func index(of name: String) -> Int? {
        switch storage {
        case .sqlite(let row): Array(row.columnNames).firstIndex { $0.caseInsensitiveCompare(name) == .orderedSame }
        case .postgres(let row): row.firstIndex { $0.columnName == name }
        }
    }

    /// The value of the column at `index`.
    public func value(at index: Int) -> SQLValue {
        switch storage {
        case .sqlite(let row): Self.value(of: row[index] as DatabaseValue)
        case .postgres(let row): Self.value(of: row[index])
        }
    }

    /// The value of the column called `name`, if the row has one.
    public func value(named name: String) -> SQLValue? {
        switch storage {
        case .sqlite(let row):
            guard let value = row[name] as DatabaseValue? else { return nil }
            return Self.value(of: value)
        case .postgres(let row):
            guard row.contains(name) else { return nil }
            return Self.value(of: row[name])
        }
    }

    /// Whether the column at `index` holds `NULL`.
    public func isNull(at index: Int) -> Bool {
        switch storage {
        case .sqlite(let row): row.hasNull(atIndex: index)
        case .postgres(let row): row[index].bytes == nil
        }
    }

    /// Calls `body` with the UTF-8 bytes of the text at `index`, without copying them, or with
    /// `nil` when the column holds `NULL`.
    public func withUnsafeText<Result>(
        at index: Int, _ body: (UnsafeBufferPointer<UInt8>?) throws -> Result
    ) throws -> Result {
        switch storage {
        case .sqlite(let row):
            return try row.withUnsafeData(atIndex: index) { data in
                guard let data else { return try body(nil) }
                return try data.withUnsafeBytes { try body($0.bindMemory(to: UInt8.self)) }
            }
        case .postgres(let row):
            guard let bytes = row[index].bytes else { return try body(nil) }
            return try bytes.withUnsafeReadableBytes { try body($0.bindMemory(to: UInt8.self)) }
        }
    }

    /// The column at `index`, as `Value`; a column of another kind is a programming error.
    public subscript<Value: SQLColumnValue>(_ index: Int) -> Value {
        let value = value(at: index)
        guard let read = Value(sqlValue: value) else {
            preconditionFailure("Column \(index) holds \(value), not a \(Value.self).")
        }
        return read
    }

    /// The column called `name`, as `Value`; a missing column, or one of another kind, is a
    /// programming error.
    public subscript<Value: SQLColumnValue>(_ name: String) -> Value {
        guard let value = value(named: name) else { preconditionFailure("No column \(name) in the row.") }
        guard let read = Value(sqlValue: value) else {
            preconditionFailure("Column \(name) holds \(value), not a \(Value.self).")
        }
        return read
    }

    /// A SQLite value as a value.
    private static func value(of value: DatabaseValue) -> SQLValue {
        switch value.storage {
        case .null: .null
        case .int64(let value): .integer(value)
        case .double(let value): .real(value)
        case .string(let value): .text(value)
        case .blob(let data): .text(String(decoding: data, as: UTF8.self))
        }
    }

    /// A PostgreSQL cell as a value: integers of any width and flags as integers, floating point
    /// as reals, everything else as its text.
    private static func value(of cell: PostgresCell) -> SQLValue {
        guard cell.bytes != nil else { return .null }
        do {
            switch cell.dataType {
            case .int2, .int4, .int8: return .integer(try cell.decode(Int64.self))
            case .bool: return .integer(try cell.decode(Bool.self) ? 1 : 0)
            case .float4, .float8: return .real(try cell.decode(Double.self))
            case .numeric:
                let decimal = try cell.decode(Decimal.self)
                let number = NSDecimalNumber(decimal: decimal)
                return decimal == Decimal(number.int64Value) ? .integer(number.int64Value) : .real(number.doubleValue)
            default: return .text(try cell.decode(String.self))
            }
        } catch {
            preconditionFailure("Column \(cell.columnName) of type \(cell.dataType) could not be read: \(error)")
        }
    }
}

/// Rows read one at a time, in order.
public protocol SQLRowCursor {
    /// The next row, or `nil` after the last.
    func next() throws -> SQLRow?
}

extension SQLRow {
    /// Every row `sql` returns.
    public static func fetchAll(
        _ db: any SQLSession, sql: String, arguments: [any SQLBindable] = []
    ) throws -> [SQLRow] {
        try db.fetchAll(sql: sql, arguments: arguments.map(\.sqlValue))
    }

    /// The first row `sql` returns, if any.
    public static func fetchOne(
        _ db: any SQLSession, sql: String, arguments: [any SQLBindable] = []
    ) throws -> SQLRow? {
        try db.fetchAll(sql: sql, arguments: arguments.map(\.sqlValue)).first
    }

    /// The rows `sql` returns, read as the cursor moves.
    public static func fetchCursor(
        _ db: any SQLSession, sql: String, arguments: [any SQLBindable] = []
    ) throws -> any SQLRowCursor {
        try db.cursor(sql: sql, arguments: arguments.map(\.sqlValue))
    }

    /// Every row a prepared statement returns.
    public static func fetchAll(_ statement: any SQLStatement, arguments: [any SQLBindable] = []) throws -> [SQLRow] {
        try statement.fetchAll(arguments.map(\.sqlValue))
    }

    /// The first row a prepared statement returns, if any.
    public static func fetchOne(_ statement: any SQLStatement, arguments: [any SQLBindable] = []) throws -> SQLRow? {
        try statement.fetchAll(arguments.map(\.sqlValue)).first
    }
}

extension SQLColumnValue {
    /// The first column of the first row `sql` returns; `nil` when there is no row or it holds `NULL`.
    public static func fetchOne(
        _ db: any SQLSession, sql: String, arguments: [any SQLBindable] = []
    ) throws -> Self? {
        guard let row = try db.fetchAll(sql: sql, arguments: arguments.map(\.sqlValue)).first else { return nil }
        return Self(sqlValue: row.value(at: 0))
    }

    /// The first column of every row `sql` returns, leaving out `NULL`s.
    public static func fetchAll(
        _ db: any SQLSession, sql: String, arguments: [any SQLBindable] = []
    ) throws -> [Self] {
        try db.fetchAll(sql: sql, arguments: arguments.map(\.sqlValue)).compactMap { Self(sqlValue: $0.value(at: 0)) }
    }
}
