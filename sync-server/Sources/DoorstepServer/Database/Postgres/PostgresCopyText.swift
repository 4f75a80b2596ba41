/// Rows in the text format of PostgreSQL's `COPY … FROM STDIN`
/// (<https://www.postgresql.org/docs/current/sql-copy.html#id-1.9.3.55.9.2>): values separated by
/// tabs, rows ended by a newline, `\N` for `NULL`, and a backslash before the backslashes, tabs,
/// newlines and carriage returns of a text. The store's appended rows are sent in it, and the
/// benchmark's limit loads the same rows with it.
public enum PostgresCopyText {
    /// Appends `values`, rows of `width` values one after another, to `bytes`.
    public static func append(_ values: some Sequence<SQLValue>, width: Int, to bytes: inout [UInt8]) {
        var column = 0
        for value in values {
            switch value {
            case .null: bytes.append(contentsOf: [0x5C, 0x4E])
            case .integer(let number): bytes.append(contentsOf: String(number).utf8)
            case .real(let number): bytes.append(contentsOf: String(number).utf8)
            case .text(let text):
                for byte in text.utf8 {
                    switch byte {
                    case 0x5C: bytes.append(contentsOf: [0x5C, 0x5C])
                    case 0x09: bytes.append(contentsOf: [0x5C, 0x74])
                    case 0x0A: bytes.append(contentsOf: [0x5C, 0x6E])
                    case 0x0D: bytes.append(contentsOf: [0x5C, 0x72])
                    default: bytes.append(byte)
                    }
                }
            }
            column += 1
            if column == width {
                bytes.append(0x0A)
                column = 0
            } else {
                bytes.append(0x09)
            }
        }
    }
}
