import DoorstepCore
import DoorstepWire
import Foundation
import GRDB

/// The JSON of a pull page, written by hand: `JSONEncoder` over 100,000 ``ResponseState``s was most
/// of the server's time in a pull.
///
/// A response's stored `answers_json` / `fields_json` is already JSON written by ``JSONText``, so its
/// answers are copied into the page as they are, each with its stamp. A row this writer does not
/// expect (a decimal answer, an escape it does not check, an unreadable id or stamp) is written
/// by `JSONEncoder` from its ``ResponseRow/state`` as before, so a device decodes the same page.
struct PullPageText {
    var cursor: Int64
    var more = false
    var epoch: String
    var forms: [PublishedForm] = []
    var campaigns: [CampaignInfo] = []
    var visits: [VisitEvent] = []
    /// The elements of the `responses` array, joined by commas.
    private var responses: [UInt8] = []
    private var responseCount = 0

    init(cursor: Int64, epoch: String) {
        self.cursor = cursor
        self.epoch = epoch
    }

    /// The columns of `responses` that ``appendResponse(_:)`` reads, in this order.
    static let responseColumns = """
        number, id, campaign, address, form, form_version, recorded_at, device, token_id, erased, \
        answers_json, stamp, fields_json, changed_seq
        """
    /// The index of `changed_seq` in ``responseColumns``.
    static let changedSeqColumn = 13

    /// Adds a `responses` row (its columns ``responseColumns``) to the page.
    mutating func appendResponse(_ row: Row) throws {
        if responseCount > 0 { responses.append(UInt8(ascii: ",")) }
        responseCount += 1
        let mark = responses.count
        if try !ResponseText.append(row, to: &responses) {
            responses.removeSubrange(mark...)
            let state = ResponseRow(row: row, id: row[1]).state
            responses.append(contentsOf: try Self.encoder.encode(state))
        }
    }

    /// The page's JSON, keys sorted as `JSONEncoder` sorts them.
    func json(serverTime: HLCTimestamp) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(responses.count + 4096)
        out += Array(#"{"campaigns":"#.utf8)
        out += try Self.encoder.encode(campaigns)
        out += Array(#","cursor":\#(cursor),"epoch":\#(JSONText.string(epoch)),"forms":"#.utf8)
        out += try Self.encoder.encode(forms)
        out += Array(#","more":\#(more),"responses":["#.utf8)
        out += responses
        out += Array(#"],"server_time":\#(JSONText.string(serverTime.description)),"visits":"#.utf8)
        out += try Self.encoder.encode(visits)
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// The encoder of `Response.json`, for the page's other parts and the rows written the slow way.
    private static var encoder: JSONEncoder { .wire }
}

/// One ``ResponseState`` as JSON, straight from a `responses` row.
private enum ResponseText {
    /// Appends the row's state, or returns `false` (leaving `out` partly written) when the row
    /// needs `JSONEncoder`.
    static func append(_ row: Row, to out: inout [UInt8]) throws -> Bool {
        guard let id = UUID(uuidString: row[1]) else { return false }
        let erased = (row[9] as String?).flatMap(Erasure.Scope.init(rawValue:))
        out += Array(#"{"address":"#.utf8)
        out += JSONText.string(row[3]).utf8
        out += Array(#","campaign":"#.utf8)
        out += JSONText.string(row[2]).utf8
        out += Array(#","device":"#.utf8)
        out += JSONText.string(row[7]).utf8
        if let erased { out += Array(#","erased":"\#(erased.rawValue)""#.utf8) }
        out += Array(#","fields":"#.utf8)
        let written: Bool
        if row.hasNull(atIndex: 12) {
            guard let stamp = HLCTimestamp(row[11] as String) else { return false }
            let stampText = Array(JSONText.string(stamp.description).utf8)
            written = try row.withUnsafeData(atIndex: 10) { data in
                guard let data else { return false }
                return data.withUnsafeBytes { raw in
                    var scanner = StoredJSONScanner(raw.bindMemory(to: UInt8.self))
                    return scanner.answersAsFields(stamp: stampText, to: &out)
                }
            }
        } else {
            written = try row.withUnsafeData(atIndex: 12) { data in
                guard let data else { return false }
                return data.withUnsafeBytes { raw in
                    var scanner = StoredJSONScanner(raw.bindMemory(to: UInt8.self))
                    return scanner.fields(to: &out)
                }
            }
        }
        guard written else { return false }
        out += Array(#","form":"#.utf8)
        out += JSONText.string(row[4]).utf8
        out += Array(#","form_version":"#.utf8)
        out += JSONText.string(row[5]).utf8
        out += Array(#","id":"\#(id.uuidString)","recorded_at":"#.utf8)
        out += JSONText.string(row[6]).utf8
        out.append(UInt8(ascii: "}"))
        return true
    }
}

/// Reads the JSON that ``JSONText`` stored (`answers_json`, `fields_json`) and copies its answers
/// out as they are. It accepts only what it can vouch for: valid UTF-8, no whitespace, strings
/// whose escapes are valid and not surrogates, whole numbers that fit in `Int`, lists of strings;
/// anything else returns `false`.
private struct StoredJSONScanner {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// `{name: answer}` written as `{name: {"stamp": stamp, "value": answer}}`; null answers (erased) left out.
    mutating func answersAsFields(stamp: [UInt8], to out: inout [UInt8]) -> Bool {
        guard isValidUTF8, take(UInt8(ascii: "{")) else { return false }
        out.append(UInt8(ascii: "{"))
        var first = true
        if !take(UInt8(ascii: "}")) {
            repeat {
                guard let name = string(), take(UInt8(ascii: ":")), let value = answer() else { return false }
                if let value {
                    if !first { out.append(UInt8(ascii: ",")) }
                    first = false
                    out += bytes[name]
                    out += Self.stampKey
                    out += stamp
                    out += Self.valueKey
                    out += bytes[value]
                    out.append(UInt8(ascii: "}"))
                }
            } while take(UInt8(ascii: ","))
            guard take(UInt8(ascii: "}")) else { return false }
        }
        out.append(UInt8(ascii: "}"))
        return index == bytes.count
    }

    /// `{name: {"stamp": stamp, "value": answer}}`, a cleared field without `value`.
    mutating func fields(to out: inout [UInt8]) -> Bool {
        guard isValidUTF8, take(UInt8(ascii: "{")) else { return false }
        out.append(UInt8(ascii: "{"))
        var lastStamp: (text: Range<Int>, valid: Bool)?
        if !take(UInt8(ascii: "}")) {
            var first = true
            repeat {
                guard let name = string(), take(UInt8(ascii: ":")), take(UInt8(ascii: "{")) else { return false }
                var stamp: Range<Int>?
                var value: Range<Int>??
                repeat {
                    guard let key = string(), take(UInt8(ascii: ":")) else { return false }
                    if bytes[key].elementsEqual(Self.stampName), stamp == nil {
                        guard let text = string() else { return false }
                        stamp = text
                    } else if bytes[key].elementsEqual(Self.valueName), value == nil {
                        guard let answer = answer() else { return false }
                        value = .some(answer)
                    } else {
                        return false
                    }
                } while take(UInt8(ascii: ","))
                guard take(UInt8(ascii: "}")), let stamp else { return false }
                // A stamp is copied only if it reads back as the same text.
                if let lastStamp, bytes[lastStamp.text].elementsEqual(bytes[stamp]) {
                    guard lastStamp.valid else { return false }
                } else {
                    let text = String(decoding: bytes[stamp].dropFirst().dropLast(), as: UTF8.self)
                    let valid = HLCTimestamp(text)?.description == text
                    lastStamp = (stamp, valid)
                    guard valid else { return false }
                }
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                out += bytes[name]
                out += Self.stampKey
                out += bytes[stamp]
                if case .some(.some(let value)) = value {
                    out += Self.valueKey
                    out += bytes[value]
                }
                out.append(UInt8(ascii: "}"))
            } while take(UInt8(ascii: ","))
            guard take(UInt8(ascii: "}")) else { return false }
        }
        out.append(UInt8(ascii: "}"))
        return index == bytes.count
    }

    private static let stampKey = Array(#":{"stamp":"#.utf8)
    private static let valueKey = Array(#","value":"#.utf8)
    private static let stampName = Array(#""stamp""#.utf8)
    private static let valueName = Array(#""value""#.utf8)

    private var isValidUTF8: Bool {
        !bytes.contains { $0 >= 0x80 } || String(validating: bytes, as: UTF8.self) != nil
    }

    /// An answer's text: `.some(nil)` for `null`, `nil` for what this scanner does not copy.
    private mutating func answer() -> Range<Int>?? {
        let start = index
        guard index < bytes.count else { return nil }
        switch bytes[index] {
        case UInt8(ascii: "n"):
            guard bytes[index...].starts(with: Self.null) else { return nil }
            index += Self.null.count
            return .some(nil)
        case UInt8(ascii: "\""):
            guard string() != nil else { return nil }
        case UInt8(ascii: "["):
            index += 1
            if !take(UInt8(ascii: "]")) {
                repeat {
                    guard string() != nil else { return nil }
                } while take(UInt8(ascii: ","))
                guard take(UInt8(ascii: "]")) else { return nil }
            }
        default:
            guard integer() else { return nil }
        }
        return .some(start..<index)
    }

    private static let null = Array("null".utf8)

    /// A string's text with its quotes: escapes are checked, a `\u` escape of a surrogate refused.
    private mutating func string() -> Range<Int>? {
        let start = index
        guard take(UInt8(ascii: "\"")) else { return nil }
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return start..<index
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { return nil }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                     UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    continue
                case UInt8(ascii: "u"):
                    guard index + 4 <= bytes.count, bytes[index..<index + 4].allSatisfy(Self.isHexDigit),
                          let code = UInt16(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16),
                          !(0xD800...0xDFFF).contains(code)
                    else { return nil }
                    index += 4
                default:
                    return nil
                }
            default:
                if byte < 0x20 { return nil }
            }
        }
        return nil
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
    }

    /// A whole number as `JSONText` writes one: no sign but `-`, no leading zero, at most 18 digits.
    private mutating func integer() -> Bool {
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        let digits = index
        while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
        let count = index - digits
        guard count > 0, count <= 18, bytes[digits] != UInt8(ascii: "0") || count == 1 else { return false }
        if count == 1, bytes[digits] == UInt8(ascii: "0"), digits > 0, bytes[digits - 1] == UInt8(ascii: "-") { return false }
        return true
    }

    private mutating func take(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }
}
