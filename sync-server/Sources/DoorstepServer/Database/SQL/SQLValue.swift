/// A value bound to a statement's parameter or read from a column, in either store.
///
/// The server stores text, 64-bit integers and reals only; a flag is an integer, 0 or 1, in both
/// stores.
public enum SQLValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
}

/// A Swift value a statement's parameter takes.
public protocol SQLBindable {
    /// The value as bound.
    var sqlValue: SQLValue { get }
}

/// A Swift value a column is read as.
public protocol SQLColumnValue {
    /// The value a column holds; `nil` when it holds `NULL` or a value of another kind.
    init?(sqlValue: SQLValue)
}

extension SQLValue: SQLBindable, SQLColumnValue {
    public var sqlValue: SQLValue { self }
    public init?(sqlValue: SQLValue) { self = sqlValue }
}

extension String: SQLBindable, SQLColumnValue {
    public var sqlValue: SQLValue { .text(self) }

    public init?(sqlValue: SQLValue) {
        guard case .text(let text) = sqlValue else { return nil }
        self = text
    }
}

extension Int64: SQLBindable, SQLColumnValue {
    public var sqlValue: SQLValue { .integer(self) }

    public init?(sqlValue: SQLValue) {
        switch sqlValue {
        case .integer(let value): self = value
        case .real(let value): self.init(exactly: value)
        case .null, .text: return nil
        }
    }
}

extension Int: SQLBindable, SQLColumnValue {
    public var sqlValue: SQLValue { .integer(Int64(self)) }

    public init?(sqlValue: SQLValue) {
        guard let value = Int64(sqlValue: sqlValue) else { return nil }
        self.init(value)
    }
}

extension Double: SQLBindable, SQLColumnValue {
    public var sqlValue: SQLValue { .real(self) }

    public init?(sqlValue: SQLValue) {
        switch sqlValue {
        case .real(let value): self = value
        case .integer(let value): self.init(value)
        case .null, .text: return nil
        }
    }
}

extension Bool: SQLBindable, SQLColumnValue {
    public var sqlValue: SQLValue { .integer(self ? 1 : 0) }

    public init?(sqlValue: SQLValue) {
        guard let value = Int64(sqlValue: sqlValue) else { return nil }
        self = value != 0
    }
}

extension Optional: SQLBindable where Wrapped: SQLBindable {
    public var sqlValue: SQLValue { self?.sqlValue ?? .null }
}

extension Optional: SQLColumnValue where Wrapped: SQLColumnValue {
    public init?(sqlValue: SQLValue) {
        if case .null = sqlValue {
            self = .none
        } else if let value = Wrapped(sqlValue: sqlValue) {
            self = .some(value)
        } else {
            return nil
        }
    }
}
