import Foundation
import XMLCoder

/// The parts of an Office Open XML workbook (ECMA-376 Part 1, §18) that hold its cells, as
/// XMLCoder reads them: the sheets' names and files, the shared strings, and each sheet's rows.
enum WorkbookXML {
    /// `xl/workbook.xml`: the sheets in order, each with the relationship naming its file.
    struct Workbook: Decodable {
        struct Sheets: Decodable {
            let sheet: [Sheet]
        }

        struct Sheet: Decodable {
            let name: String
            let relationship: String

            enum CodingKeys: String, CodingKey {
                case name
                case relationship = "r:id"
            }
        }

        let sheets: Sheets
    }

    /// `xl/_rels/workbook.xml.rels`: where each relationship's part is.
    struct Relationships: Decodable {
        struct Relationship: Decodable {
            let id: String
            let target: String

            enum CodingKeys: String, CodingKey {
                case id = "Id"
                case target = "Target"
            }
        }

        let relationship: [Relationship]

        enum CodingKeys: String, CodingKey {
            case relationship = "Relationship"
        }
    }

    /// Text written as a `<t>` element; `nil` when empty.
    struct Text: Decodable {
        let value: String?

        enum CodingKeys: String, CodingKey {
            case value = ""
        }
    }

    /// A string of the shared table or of an inline cell: plain (`<t>`), or rich text runs
    /// (`<r><t>…</t></r>…`) whose texts are joined; phonetic runs (`<rPh>`) are not part of it.
    struct RichText: Decodable {
        struct Run: Decodable {
            let t: Text?
        }

        let t: Text?
        let r: [Run]?

        var text: String {
            (t?.value ?? "") + (r ?? []).map { $0.t?.value ?? "" }.joined()
        }
    }

    /// `xl/sharedStrings.xml`.
    struct SharedStrings: Decodable {
        let si: [RichText]?
    }

    /// `xl/worksheets/sheetN.xml`: its rows, each with its cells.
    struct Worksheet: Decodable {
        struct SheetData: Decodable {
            let row: [Row]?
        }

        struct Row: Decodable {
            /// The row's number as a spreadsheet shows it, from 1.
            let r: Int?
            let c: [Cell]?
        }

        struct Cell: Decodable {
            /// Where it is, such as `C12`.
            let r: String?
            /// What its value is: `s` shared string, `inlineStr`, `str` a formula's text, `b`
            /// boolean, `e` error, `d` date, `n` (or none) number.
            let t: String?
            let v: Text?
            let inline: RichText?

            enum CodingKeys: String, CodingKey {
                case r, t, v
                case inline = "is"
            }
        }

        let sheetData: SheetData
    }

    /// Decodes one part; whitespace inside text is kept, as cells hold it.
    static func decode<Part: Decodable>(_ type: Part.Type, from data: Data) throws -> Part {
        let decoder = XMLDecoder(trimValueWhitespaces: false, removeWhitespaceElements: true)
        return try decoder.decode(type, from: data)
    }
}
