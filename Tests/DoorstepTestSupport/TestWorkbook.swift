public import Foundation
import ZIPFoundation

/// An `.xlsx` workbook made in a test, cell by cell, in each of the ways spreadsheets write
/// cells (ECMA-376 Part 1, §18.3.1.4): shared strings, inline strings, rich text runs, numbers,
/// booleans, a formula's text, errors. Rows are numbered from 1; an empty row is written as no
/// row at all, as spreadsheets do.
public struct TestWorkbook {
    /// One cell's value, in the encoding named.
    public enum Cell: ExpressibleByStringLiteral, Sendable {
        /// Text in the shared strings table (`t="s"`), as Excel writes it.
        case text(String)
        /// Text in the cell itself (`t="inlineStr"`).
        case inline(String)
        /// Shared text in runs of differing format (`<r><t>…</t></r>`), read as one text.
        case rich([String])
        /// A number as the sheet's XML writes it (`2024010101`, `1.5`).
        case number(String)
        case boolean(Bool)
        /// The text a formula gave (`t="str"`).
        case formulaText(String)
        /// An error value such as `#N/A` (`t="e"`).
        case error(String)

        public init(stringLiteral value: String) {
            self = .text(value)
        }
    }

    /// The sheets in order, each with its rows of cells (`nil` for an empty cell).
    public var sheets: [(name: String, rows: [[Cell?]])]

    public init(_ sheets: [(name: String, rows: [[Cell?]])]) {
        self.sheets = sheets
    }

    /// A workbook of plain text cells, sheet by sheet; an empty string is an empty cell.
    public init(plain sheets: [(name: String, rows: [[String]])]) {
        self.sheets = sheets.map { sheet in (sheet.name, sheet.rows.map { row in row.map { $0.isEmpty ? nil : Cell.text($0) } }) }
    }

    /// The workbook's bytes, as an `.xlsx` file holds them.
    public func xlsx() throws -> Data {
        var shared: [String] = []
        func sharedIndex(_ xml: String) -> Int {
            shared.append(xml)
            return shared.count - 1
        }
        var parts: [(String, String)] = []
        var sheetList = ""
        var relationships = ""
        for (number, sheet) in sheets.enumerated() {
            var rows = ""
            for (index, row) in sheet.rows.enumerated() where row.contains(where: { $0 != nil }) {
                rows += "<row r=\"\(index + 1)\">"
                for (column, cell) in row.enumerated() {
                    guard let cell else { continue }
                    let reference = "\(Self.letters(column))\(index + 1)"
                    switch cell {
                    case .text(let text):
                        rows += "<c r=\"\(reference)\" t=\"s\"><v>\(sharedIndex("<t xml:space=\"preserve\">\(Self.escaped(text))</t>"))</v></c>"
                    case .rich(let runs):
                        let xml = runs.map { "<r><rPr><b/></rPr><t xml:space=\"preserve\">\(Self.escaped($0))</t></r>" }.joined()
                        rows += "<c r=\"\(reference)\" t=\"s\"><v>\(sharedIndex(xml))</v></c>"
                    case .inline(let text):
                        rows += "<c r=\"\(reference)\" t=\"inlineStr\"><is><t>\(Self.escaped(text))</t></is></c>"
                    case .number(let text):
                        rows += "<c r=\"\(reference)\"><v>\(text)</v></c>"
                    case .boolean(let value):
                        rows += "<c r=\"\(reference)\" t=\"b\"><v>\(value ? 1 : 0)</v></c>"
                    case .formulaText(let text):
                        rows += "<c r=\"\(reference)\" t=\"str\"><f>CONCATENATE(\"\(Self.escaped(text))\")</f><v>\(Self.escaped(text))</v></c>"
                    case .error(let text):
                        rows += "<c r=\"\(reference)\" t=\"e\"><v>\(Self.escaped(text))</v></c>"
                    }
                }
                rows += "</row>"
            }
            parts.append(("xl/worksheets/sheet\(number + 1).xml", Self.declaration + "<worksheet \(Self.namespaces)><sheetData>\(rows)</sheetData></worksheet>"))
            sheetList += "<sheet name=\"\(Self.escaped(sheet.name))\" sheetId=\"\(number + 1)\" r:id=\"rId\(number + 1)\"/>"
            relationships += "<Relationship Id=\"rId\(number + 1)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet\(number + 1).xml\"/>"
        }
        let sharedStrings = shared.map { "<si>\($0)</si>" }.joined()
        parts += [
            ("[Content_Types].xml", Self.declaration + "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>"),
            ("xl/workbook.xml", Self.declaration + "<workbook \(Self.namespaces)><sheets>\(sheetList)</sheets></workbook>"),
            ("xl/_rels/workbook.xml.rels", Self.declaration + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\(relationships)</Relationships>"),
            ("xl/sharedStrings.xml", Self.declaration + "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"\(shared.count)\">\(sharedStrings)</sst>"),
        ]
        let archive = try Archive(data: Data(), accessMode: .create)
        for (path, text) in parts {
            let bytes = Data(text.utf8)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(bytes.count), compressionMethod: .deflate) { position, size in
                bytes.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        return archive.data ?? Data()
    }

    static let declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    static let namespaces = "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\""

    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// Column `index`'s letter; a test's sheets are at most 26 columns wide.
    static func letters(_ index: Int) -> String {
        precondition(index < 26, "a test workbook has at most 26 columns")
        return String(UnicodeScalar(UInt8(65 + index)))
    }
}
