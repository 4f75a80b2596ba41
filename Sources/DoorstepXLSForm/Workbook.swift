import Foundation
import ZIPFoundation

/// The cells of an `.xlsx` workbook as text, sheet by sheet (ECMA-376 Part 1): shared strings,
/// inline strings and rich text runs read as their text, numbers as written (a whole number
/// without a fraction: `2024010101`, not `2.024010101E9`), booleans as `TRUE` or `FALSE`.
/// Empty rows are left out; a cell holding an error (`#N/A`) is refused.
struct Workbook {
    /// One sheet's rows that hold anything.
    struct Sheet {
        let name: String
        let rows: [Row]
    }

    /// One row: its number as the spreadsheet shows it, and its cells' text by column (from 0).
    struct Row {
        let number: Int
        let cells: [Int: String]
    }

    /// The sheets in the workbook's order.
    let sheets: [Sheet]

    /// The most one part of the workbook may hold once unzipped: a questionnaire is far smaller,
    /// and this keeps a crafted archive from filling the memory.
    static let largestPart = 64 << 20

    /// Reads the workbook in `data`.
    /// - Throws: ``XLSFormError`` when it is not an `.xlsx` workbook or a cell holds an error.
    init(xlsx data: Data) throws(XLSFormError) {
        let archive: Archive
        do {
            archive = try Archive(data: data, accessMode: .read)
        } catch {
            throw XLSFormError(message: "The file is not an .xlsx workbook (it is not a ZIP archive); save it from the spreadsheet as Excel Workbook (.xlsx).")
        }
        func part(_ path: String) throws(XLSFormError) -> Data? {
            guard let entry = archive[path] else { return nil }
            guard entry.uncompressedSize <= Self.largestPart else {
                throw XLSFormError(message: "The workbook's part \(path) is larger than \(Self.largestPart >> 20) MB; a questionnaire is far smaller.")
            }
            var bytes = Data()
            do {
                _ = try archive.extract(entry, skipCRC32: false) { bytes.append($0) }
            } catch {
                throw XLSFormError(message: "The workbook's part \(path) cannot be unzipped: \(error).")
            }
            return bytes
        }
        func decode<Part: Decodable>(_ type: Part.Type, _ path: String) throws(XLSFormError) -> Part? {
            guard let bytes = try part(path) else { return nil }
            do {
                return try WorkbookXML.decode(type, from: bytes)
            } catch {
                throw XLSFormError(message: "The workbook's part \(path) is not the XML an .xlsx file holds.")
            }
        }

        guard let workbook = try decode(WorkbookXML.Workbook.self, "xl/workbook.xml"),
              let relationships = try decode(WorkbookXML.Relationships.self, "xl/_rels/workbook.xml.rels")
        else {
            throw XLSFormError(message: "The file is a ZIP archive but not an .xlsx workbook (it has no xl/workbook.xml).")
        }
        let shared = try decode(WorkbookXML.SharedStrings.self, "xl/sharedStrings.xml")?.si?.map(\.text) ?? []
        var sheets: [Sheet] = []
        for sheet in workbook.sheets.sheet {
            guard let target = relationships.relationship.first(where: { $0.id == sheet.relationship })?.target else { continue }
            let path = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
            guard let worksheet = try decode(WorkbookXML.Worksheet.self, path) else { continue }
            sheets.append(Sheet(name: sheet.name, rows: try Self.rows(of: worksheet, sheet: sheet.name, shared: shared)))
        }
        self.sheets = sheets
    }

    /// The sheet called `name`, in any case.
    func sheet(named name: String) -> Sheet? {
        sheets.first { $0.name.lowercased() == name }
    }

    private static func rows(of worksheet: WorkbookXML.Worksheet, sheet: String, shared: [String]) throws(XLSFormError) -> [Row] {
        var rows: [Row] = []
        var previous = 0
        for row in worksheet.sheetData.row ?? [] {
            let number = row.r ?? previous + 1
            previous = number
            var cells: [Int: String] = [:]
            var column = -1
            for cell in row.c ?? [] {
                column = cell.r.flatMap(Self.column(of:)) ?? column + 1
                let text = try value(of: cell, shared: shared) { message in
                    XLSFormError(sheet: sheet, row: number, column: XLSFormError.letters(column), message: message)
                }
                if !text.isEmpty { cells[column] = text }
            }
            if !cells.isEmpty { rows.append(Row(number: number, cells: cells)) }
        }
        return rows
    }

    /// A cell's value as text.
    private static func value(
        of cell: WorkbookXML.Worksheet.Cell, shared: [String], error: (String) -> XLSFormError
    ) throws(XLSFormError) -> String {
        let raw = cell.v?.value ?? ""
        switch cell.t ?? "n" {
        case "s":
            guard let index = Int(raw), shared.indices.contains(index) else {
                throw error("The cell names shared string \(raw), which the workbook does not have.")
            }
            return shared[index]
        case "inlineStr":
            return cell.inline?.text ?? ""
        case "b":
            return raw == "1" ? "TRUE" : raw == "0" ? "FALSE" : raw
        case "e":
            throw error("The cell holds the error \(raw); correct it in the spreadsheet.")
        case "n":
            return number(raw)
        default:
            return raw
        }
    }

    /// A number as written in the sheet, but a whole one without a fraction or exponent.
    static func number(_ raw: String) -> String {
        guard let value = Double(raw), value.isFinite, value.rounded() == value, abs(value) < 1e15 else { return raw }
        return String(Int64(value))
    }

    /// The column index of a reference such as `AB12` (`A` is 0).
    static func column(of reference: String) -> Int? {
        var index = 0
        var letters = 0
        for scalar in reference.unicodeScalars {
            guard ("A"..."Z").contains(scalar) else { break }
            index = index * 26 + Int(scalar.value - 64)
            letters += 1
        }
        return letters == 0 ? nil : index - 1
    }
}
