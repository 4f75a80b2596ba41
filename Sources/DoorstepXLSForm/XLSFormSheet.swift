import DoorstepCore
import Foundation

/// A sheet of an XLSForm read by its headings: the first row that holds anything names the
/// columns, in any order and any case; the rows after it are read by those names.
struct XLSFormSheet {
    /// One column: its place, its heading as written, and what it holds.
    struct Column {
        let index: Int
        let heading: String
        /// The heading's name before any `::`, in lower case, with XLSForm's other spellings
        /// made one (`constraint message` and `jr:constraintMsg` are `constraint_message`).
        let key: String
        /// The language after `::` (`label::Cymraeg (cy)`), if any.
        let language: FormLanguage?
        /// Whatever follows `::` as written, such as `Cymraeg (cy)` or `image`.
        let qualifier: String?

        /// `D (label::Cymraeg (cy))`.
        var place: String { "\(XLSFormError.letters(index)) (\(heading))" }
    }

    let name: String
    let columns: [Column]
    /// The heading row's number.
    let headingRow: Int
    /// The rows after the headings that hold anything.
    let rows: [Workbook.Row]

    static let aliases = [
        "constraint message": "constraint_message", "jr:constraintmsg": "constraint_message",
        "required message": "required_message", "jr:requiredmsg": "required_message",
        "list name": "list_name", "read only": "read_only", "choice filter": "choice_filter",
    ]

    /// Reads `sheet`'s headings; `nil` for a sheet with nothing in it.
    init?(_ sheet: Workbook.Sheet) {
        guard let headings = sheet.rows.first else { return nil }
        name = sheet.name
        headingRow = headings.number
        rows = Array(sheet.rows.dropFirst())
        columns = headings.cells.sorted { $0.key < $1.key }.map { index, text in
            let heading = text.trimmingCharacters(in: .whitespaces)
            let parts = heading.components(separatedBy: "::")
            let base = parts[0].trimmingCharacters(in: .whitespaces).lowercased()
            let qualifier = parts.count > 1 ? parts.dropFirst().joined(separator: "::").trimmingCharacters(in: .whitespaces) : nil
            return Column(
                index: index, heading: heading, key: Self.aliases[base] ?? base,
                language: qualifier.flatMap(Self.language), qualifier: qualifier
            )
        }
    }

    /// The columns called `key`.
    func columns(_ key: String) -> [Column] {
        columns.filter { $0.key == key }
    }

    /// The text of `row` in the column `key` that has no language, `nil` when empty.
    func value(_ row: Workbook.Row, _ key: String) -> String? {
        columns.first { $0.key == key && $0.qualifier == nil }.flatMap { cell(row, $0) }
    }

    /// The text of `row` in `column`, without surrounding spaces; `nil` when empty.
    func cell(_ row: Workbook.Row, _ column: Column) -> String? {
        guard let text = row.cells[column.index]?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
        return text
    }

    /// An error at `row` (the heading row when `nil`) and `column`.
    func error(_ row: Workbook.Row?, _ column: Column?, _ message: String) -> XLSFormError {
        XLSFormError(sheet: name, row: row?.number ?? headingRow, column: column?.place, message: message)
    }

    /// An error at `row` in the column `key`.
    func error(_ row: Workbook.Row, key: String, _ message: String) -> XLSFormError {
        error(row, columns.first { $0.key == key }, message)
    }

    /// The language an XLSForm heading or `default_language` names: `Cymraeg (cy)` is code `cy`
    /// named `Cymraeg`; `cy` or `English` alone is a code; `nil` when it can be neither.
    static func language(_ text: String) -> FormLanguage? {
        let text = text.trimmingCharacters(in: .whitespaces)
        if text.hasSuffix(")"), let open = text.lastIndex(of: "(") {
            let code = text[text.index(after: open)..<text.index(before: text.endIndex)].trimmingCharacters(in: .whitespaces)
            let name = text[..<open].trimmingCharacters(in: .whitespaces)
            guard FormLanguage.isValidCode(code) else { return nil }
            return FormLanguage(code: code, name: name.isEmpty ? nil : name)
        }
        return FormLanguage.isValidCode(text) ? FormLanguage(code: text) : nil
    }
}
