/// The SQL a store speaks, for the few statements written differently in each.
public enum SQLDialect: Sendable {
    /// The embedded store: SQLite through GRDB.
    case sqlite
    /// The shared store: PostgreSQL through PostgresNIO.
    case postgres
}

/// One connection to a store, inside a transaction (or a read) that the store opened: every
/// statement the server runs goes through one.
///
/// Statements are written with SQLite's parameters, `?` and `?NNN`; the PostgreSQL session
/// numbers them as `$N`. A session is used on one thread, within the closure the store gave it
/// to, and never kept.
public protocol SQLSession: AnyObject {
    /// The SQL the store speaks.
    var dialect: SQLDialect { get }

    /// Runs `sql` (one statement or, without arguments, several separated by `;`).
    func execute(sql: String, arguments: [SQLValue]) throws

    /// Every row `sql` returns.
    func fetchAll(sql: String, arguments: [SQLValue]) throws -> [SQLRow]

    /// The rows `sql` returns, read as the cursor moves.
    func cursor(sql: String, arguments: [SQLValue]) throws -> any SQLRowCursor

    /// A statement prepared once and run many times within this session.
    func statement(sql: String) throws -> any SQLStatement

    /// A statement that appends one row to a table per run, whose result no one reads.
    ///
    /// The store may keep the rows and send many in one statement later (PostgreSQL does, to save
    /// a round trip per row); it sends them before any other statement of the session runs, except
    /// one made by ``statementBesideAppends(sql:)``, and before the transaction commits. So every
    /// read sees them, and a row the store refuses fails the transaction as if it had been refused
    /// at once. Rows appended after ``beginSavepoint()`` are dropped by ``rollbackToSavepoint()``.
    func appendingStatement(_ insert: SQLInsert) throws -> any SQLStatement

    /// A statement that runs while appended rows wait, and so does not see them: for one that
    /// needs none of them (the caller knows which rows it appended).
    func statementBesideAppends(sql: String) throws -> any SQLStatement

    /// Whether appended rows wait to be sent many at a time (PostgreSQL) rather than go at once.
    var appendsWait: Bool { get }

    /// Keys for `count` new rows of `table`, whose generated key is `column`, handed out now so
    /// that the rows can be appended with them. Only a store whose appends wait hands them out;
    /// the others return none.
    func reserveKeys(table: String, column: String, count: Int) throws -> [Int64]

    /// Marks where the operation being applied begins, so that its writes can be undone alone.
    func beginSavepoint() throws

    /// Undoes every write since ``beginSavepoint()``; the savepoint stays until released.
    func rollbackToSavepoint() throws

    /// Ends the savepoint, keeping what was written since it began.
    func releaseSavepoint() throws

    /// How many rows the last `INSERT`, `UPDATE` or `DELETE` changed.
    var changesCount: Int { get }
}

/// `INSERT INTO table(columns) VALUES (?, …) suffix`, in parts, for ``SQLSession/appendingStatement(_:)``.
public struct SQLInsert: Sendable {
    /// The table.
    public var table: String
    /// The columns, each bound to a parameter in order.
    public var columns: [String]
    /// What follows the values, such as `ON CONFLICT DO NOTHING`; empty for nothing.
    public var suffix: String

    public init(table: String, columns: [String], suffix: String = "") {
        self.table = table
        self.columns = columns
        self.suffix = suffix
    }

    /// The statement for one row.
    public var sql: String {
        let values = Array(repeating: "?", count: columns.count).joined(separator: ", ")
        return "INSERT INTO \(table)(\(columns.joined(separator: ", "))) VALUES (\(values))" + (suffix.isEmpty ? "" : " " + suffix)
    }
}

extension SQLSession {
    /// Runs `sql` with `arguments` bound in order.
    public func execute(sql: String, arguments: [any SQLBindable] = []) throws {
        try execute(sql: sql, arguments: arguments.map(\.sqlValue))
    }

    /// A prepared statement; the same as ``statement(sql:)``.
    public func cachedStatement(sql: String) throws -> any SQLStatement {
        try statement(sql: sql)
    }

    /// A store that sends every row at once: the one-row `INSERT`.
    public func appendingStatement(_ insert: SQLInsert) throws -> any SQLStatement {
        try statement(sql: insert.sql)
    }

    /// A store that sends every row at once: any statement.
    public func statementBesideAppends(sql: String) throws -> any SQLStatement {
        try statement(sql: sql)
    }

    public var appendsWait: Bool { false }

    /// A store that sends every row at once hands out keys as rows are inserted.
    public func reserveKeys(table: String, column: String, count: Int) throws -> [Int64] {
        []
    }

    public func beginSavepoint() throws {
        try statement(sql: "SAVEPOINT operation").execute()
    }

    public func rollbackToSavepoint() throws {
        try statement(sql: "ROLLBACK TO SAVEPOINT operation").execute()
    }

    public func releaseSavepoint() throws {
        try statement(sql: "RELEASE SAVEPOINT operation").execute()
    }
}

/// A statement prepared within one session.
public protocol SQLStatement {
    /// Runs the statement with `values` bound in order. For an `INSERT` that added a row, returns
    /// the row's key: SQLite's rowid, or on PostgreSQL the first column of the row its
    /// `RETURNING` clause gives (see ``SQLDialect/returning(_:)``); otherwise `nil`.
    @discardableResult
    func execute(values: UnsafeBufferPointer<SQLValue>) throws -> Int64?

    /// Every row the statement returns with `values` bound in order.
    func fetchAll(_ values: [SQLValue]) throws -> [SQLRow]
}

extension SQLStatement {
    /// Runs the statement with `arguments` bound in order.
    public func execute(arguments: [any SQLBindable] = []) throws {
        let values = arguments.map(\.sqlValue)
        try values.withUnsafeBufferPointer { _ = try execute(values: $0) }
    }
}

extension SQLDialect {
    /// SQL for the member of the JSON object in `column` named by the parameter `key` (`?` or
    /// `?N`, bound to the plain member name), as text; `NULL` when it is missing or JSON `null`.
    public func jsonText(of column: String, key: String) -> String {
        switch self {
        case .sqlite: "json_extract(\(column), '$.\"' || \(key) || '\"')"
        case .postgres: "(\(column)::jsonb ->> \(key))"
        }
    }
}

extension SQLDialect {
    /// A query of one column, `value`: the texts in the JSON array bound to the parameter `array`.
    public func jsonArrayValues(_ array: String) -> String {
        switch self {
        case .sqlite: "SELECT value FROM json_each(\(array))"
        case .postgres: "SELECT value FROM json_array_elements_text(\(array)::json)"
        }
    }
}

extension SQLDialect {
    /// In a `GROUP BY` query, SQL for `column` of the group's row with the largest `order`.
    ///
    /// SQLite takes a bare column from the row that gives a query's one `MAX()`, which this adds
    /// (as an extra column, after this one); PostgreSQL orders an array of the group's values.
    public func latest(_ column: String, byMaximum order: String) -> String {
        switch self {
        case .sqlite: "\(column), MAX(\(order))"
        case .postgres: "(ARRAY_AGG(\(column) ORDER BY \(order) DESC))[1], MAX(\(order))"
        }
    }
}

extension SQLDialect {
    /// SQL for the last `length` characters of the text in `column`.
    public func suffix(of column: String, length: String) -> String {
        switch self {
        case .sqlite: "substr(\(column), -(\(length)))"
        case .postgres: "right(\(column), \(length))"
        }
    }
}

extension SQLDialect {
    /// The clause an `INSERT` ends with so that ``SQLStatement/execute(values:)`` returns the new
    /// row's `key` column: nothing for SQLite, which gives its rowid (the `INTEGER PRIMARY KEY`),
    /// `RETURNING key` for PostgreSQL.
    public func returning(_ key: String) -> String {
        switch self {
        case .sqlite: ""
        case .postgres: " RETURNING \(key)"
        }
    }
}
