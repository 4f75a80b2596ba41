/// A statement the push path runs for many rows: prepared once per batch, with its values bound
/// from a buffer on the stack rather than an array on the heap. In the embedded store they go
/// straight to SQLite's C API (see ``SQLiteStatement``).
struct BindingStatement {
    private let statement: any SQLStatement

    /// Prepares `sql` in `db`.
    init(_ db: any SQLSession, sql: String) throws {
        statement = try db.statement(sql: sql)
    }

    /// Binds its values from the stack to `statement`.
    init(_ statement: any SQLStatement) {
        self.statement = statement
    }

    /// Runs the statement with `values` bound to its parameters in order; returns the key of the
    /// row an `INSERT` added (``SQLStatement/execute(values:)``), if it added one.
    ///
    /// - Throws: A store error when the store refuses a value or the statement.
    @discardableResult
    func execute<each Value: SQLBindable>(_ values: repeat each Value) throws -> Int64? {
        var count = 0
        for _ in repeat each values { count += 1 }
        return try withUnsafeTemporaryAllocation(of: SQLValue.self, capacity: count) { buffer in
            var index = 0
            for value in repeat each values {
                (buffer.baseAddress! + index).initialize(to: value.sqlValue)
                index += 1
            }
            defer { buffer.baseAddress!.deinitialize(count: count) }
            return try statement.execute(values: UnsafeBufferPointer(buffer))
        }
    }
}
