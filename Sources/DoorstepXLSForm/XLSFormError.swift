/// Why a workbook could not be imported: one sentence, naming the sheet, the row (as the
/// spreadsheet numbers it) and the column where there is one.
///
/// `doorstep forms import`, `forms check` and `doorstep-server forms publish` print it and exit 65
/// (EX_DATAERR, <https://man.freebsd.org/cgi/man.cgi?sysexits>), writing nothing.
public struct XLSFormError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The sheet, such as `survey`; `nil` for a fault of the whole workbook.
    public var sheet: String?
    /// The row as the spreadsheet shows it, from 1.
    public var row: Int?
    /// The column: its letters and, where it has one, its heading, such as `D (constraint)`.
    public var column: String?
    /// What is wrong and what to do, as a sentence.
    public var message: String

    /// Creates an error at a place of the workbook.
    public init(sheet: String? = nil, row: Int? = nil, column: String? = nil, message: String) {
        self.sheet = sheet
        self.row = row
        self.column = column
        self.message = message
    }

    /// `survey sheet, row 12, column D (type): message`.
    public var description: String {
        var place: [String] = []
        if let sheet { place.append("\(sheet) sheet") }
        if let row { place.append("row \(row)") }
        if let column { place.append("column \(column)") }
        return place.isEmpty ? message : place.joined(separator: ", ") + ": " + message
    }

    /// A column's letters as a spreadsheet shows them: 0 is `A`, 26 is `AA`.
    static func letters(_ index: Int) -> String {
        var index = index
        var letters = ""
        repeat {
            letters = String(UnicodeScalar(UInt8(65 + index % 26))) + letters
            index = index / 26 - 1
        } while index >= 0
        return letters
    }
}
