import DoorstepCore
public import Foundation

extension PullResponse {
    /// Decodes a pull page from its JSON: the same value `JSONDecoder` gives, in a fraction of the time.
    ///
    /// `JSONDecoder` builds a keyed container for every field of every response and tries each
    /// kind of ``AnswerValue`` in turn; for a page of thousands of responses that was most of a
    /// device's time spent on a pull. The responses are read here straight from the bytes. What
    /// this reader does not expect (an escaped string, a decimal, a missing or duplicated key)
    /// goes to `JSONDecoder`: the string or answer alone, or the whole page, so the result and
    /// the errors are `JSONDecoder`'s.
    ///
    /// - Parameter data: The body of `GET /v1/pull`.
    /// - Throws: `DecodingError` when the JSON is not a pull page.
    public static func decode(json data: Data) throws -> PullResponse {
        let fast = data.withUnsafeBytes { raw -> PullResponse? in
            var reader = PullPageReader(raw.bindMemory(to: UInt8.self))
            return try? reader.page()
        }
        if let fast { return fast }
        return try JSONDecoder().decode(PullResponse.self, from: data)
    }
}

/// A reader for the shape of a pull page; it throws ``Unexpected`` for anything else, and the
/// caller hands the page to `JSONDecoder`.
private struct PullPageReader {
    /// Something this reader leaves to `JSONDecoder`.
    struct Unexpected: Error {}

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    // MARK: The page

    mutating func page() throws -> PullResponse {
        var cursor: Int64?, more: Bool?, epoch: String?, serverTime: HLCTimestamp?
        var forms: [PublishedForm]?, campaigns: [CampaignInfo]?, visits: [VisitEvent]?, responses: [ResponseState]?
        try object { reader, key in
            // A repeated key is left to `JSONDecoder`, as is every other surprise.
            switch key {
            case "cursor" where cursor == nil: cursor = try Int64(exactly: reader.integer())
            case "more" where more == nil: more = try reader.bool()
            case "epoch" where epoch == nil: epoch = try reader.string()
            case "server_time" where serverTime == nil: serverTime = try reader.stamp()
            case "forms" where forms == nil: forms = try reader.decoded([PublishedForm].self)
            case "campaigns" where campaigns == nil: campaigns = try reader.decoded([CampaignInfo].self)
            case "visits" where visits == nil: visits = try reader.decoded([VisitEvent].self)
            case "responses" where responses == nil: responses = try reader.responses()
            case "cursor", "more", "epoch", "server_time", "forms", "campaigns", "visits", "responses": throw Unexpected()
            default: try reader.skipValue()
            }
        }
        skipWhitespace()
        guard index == bytes.count, let cursor, let more, let epoch, let serverTime, let forms, let campaigns,
              let visits, let responses
        else { throw Unexpected() }
        return PullResponse(
            cursor: cursor, more: more, epoch: epoch, serverTime: serverTime, forms: forms, campaigns: campaigns,
            visits: visits, responses: responses
        )
    }

    private mutating func responses() throws -> [ResponseState] {
        var responses: [ResponseState] = []
        try array { reader in responses.append(try reader.response()) }
        return responses
    }

    private mutating func response() throws -> ResponseState {
        var id: UUID?, campaign: String?, address: String?, form: String?, formVersion: String?
        var recordedAt: String?, device: String?, fields: [String: FieldValue]?, erased: Erasure.Scope?
        var sawErased = false
        try object { reader, key in
            switch key {
            case "id" where id == nil:
                guard let uuid = try UUID(uuidString: reader.string()) else { throw Unexpected() }
                id = uuid
            case "campaign" where campaign == nil: campaign = try reader.string()
            case "address" where address == nil: address = try reader.string()
            case "form" where form == nil: form = try reader.string()
            case "form_version" where formVersion == nil: formVersion = try reader.string()
            case "recorded_at" where recordedAt == nil: recordedAt = try reader.string()
            case "device" where device == nil: device = try reader.string()
            case "fields" where fields == nil: fields = try reader.fields()
            case "erased" where !sawErased:
                sawErased = true
                if !reader.null() {
                    guard let scope = try Erasure.Scope(rawValue: reader.string()) else { throw Unexpected() }
                    erased = scope
                }
            case "id", "campaign", "address", "form", "form_version", "recorded_at", "device", "fields", "erased":
                throw Unexpected()
            default: try reader.skipValue()
            }
        }
        guard let id, let campaign, let address, let form, let formVersion, let recordedAt, let device, let fields else {
            throw Unexpected()
        }
        return ResponseState(
            id: id, campaign: campaign, address: address, form: form, formVersion: formVersion,
            recordedAt: recordedAt, device: device, fields: fields, erased: erased
        )
    }

    private mutating func fields() throws -> [String: FieldValue] {
        var fields: [String: FieldValue] = [:]
        var lastStamp: (text: String, stamp: HLCTimestamp)?
        try object { reader, name in
            var value: AnswerValue?, stamp: HLCTimestamp?, sawValue = false
            try reader.object { reader, key in
                switch key {
                case "value" where !sawValue:
                    sawValue = true
                    value = try reader.answer()
                case "stamp" where stamp == nil:
                    // The fields of a response mostly share one stamp: parse it once.
                    let text = try reader.string()
                    if let lastStamp, lastStamp.text == text {
                        stamp = lastStamp.stamp
                    } else {
                        guard let parsed = HLCTimestamp(text) else { throw Unexpected() }
                        stamp = parsed
                        lastStamp = (text, parsed)
                    }
                case "value", "stamp": throw Unexpected()
                default: try reader.skipValue()
                }
            }
            guard let stamp, fields.updateValue(FieldValue(value: value, stamp: stamp), forKey: name) == nil else {
                throw Unexpected()
            }
        }
        return fields
    }

    /// An answer, or `nil` for JSON `null`; anything but a plain string, a whole number or a list
    /// of strings is decoded by `JSONDecoder`.
    private mutating func answer() throws -> AnswerValue? {
        if null() { return nil }
        let start = index
        switch peek() {
        case UInt8(ascii: "\""):
            return .text(try string())
        case UInt8(ascii: "["):
            var list: [String] = []
            let plain: Bool = (try? array { reader in
                guard reader.peek() == UInt8(ascii: "\"") else { throw Unexpected() }
                list.append(try reader.string())
            }) != nil
            if plain { return .list(list) }
        default:
            if let integer = try? integer() { return .integer(integer) }
        }
        index = start
        return try decoded(AnswerValue.self)
    }

    // MARK: Values

    private mutating func object(_ member: (inout PullPageReader, String) throws -> Void) throws {
        try expect(UInt8(ascii: "{"))
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            index += 1
            return
        }
        while true {
            skipWhitespace()
            let key = try string()
            skipWhitespace()
            try expect(UInt8(ascii: ":"))
            skipWhitespace()
            try member(&self, key)
            skipWhitespace()
            switch next() {
            case UInt8(ascii: ","): continue
            case UInt8(ascii: "}"): return
            default: throw Unexpected()
            }
        }
    }

    private mutating func array(_ element: (inout PullPageReader) throws -> Void) throws {
        try expect(UInt8(ascii: "["))
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            index += 1
            return
        }
        while true {
            skipWhitespace()
            try element(&self)
            skipWhitespace()
            switch next() {
            case UInt8(ascii: ","): continue
            case UInt8(ascii: "]"): return
            default: throw Unexpected()
            }
        }
    }

    /// A string; one with an escape is decoded by `JSONDecoder`.
    private mutating func string() throws -> String {
        let start = index
        try expect(UInt8(ascii: "\""))
        var end = index
        while end < bytes.count {
            let byte = bytes[end]
            if byte == UInt8(ascii: "\"") {
                guard let text = String(validating: UnsafeBufferPointer(rebasing: bytes[index..<end]), as: UTF8.self) else {
                    throw Unexpected()
                }
                index = end + 1
                return text
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 { break }
            end += 1
        }
        index = start
        return try decoded(String.self)
    }

    private mutating func stamp() throws -> HLCTimestamp {
        guard let stamp = HLCTimestamp(try string()) else { throw Unexpected() }
        return stamp
    }

    /// A whole number written as digits, with no fraction or exponent, that fits in `Int`.
    private mutating func integer() throws -> Int {
        var position = index
        let negative = position < bytes.count && bytes[position] == UInt8(ascii: "-")
        if negative { position += 1 }
        let digits = position
        var value = 0
        while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) {
            let digit = Int(bytes[position] - UInt8(ascii: "0"))
            let (times, overflow) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = negative ? times.subtractingReportingOverflow(digit) : times.addingReportingOverflow(digit)
            guard !overflow, !overflow2 else { throw Unexpected() }
            value = sum
            position += 1
        }
        guard position > digits, bytes[digits] != UInt8(ascii: "0") || position == digits + 1 else { throw Unexpected() }
        if position < bytes.count, [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[position]) {
            throw Unexpected()
        }
        index = position
        return value
    }

    private mutating func bool() throws -> Bool {
        if literal("true") { return true }
        if literal("false") { return false }
        throw Unexpected()
    }

    /// Consumes `null` if it is next.
    private mutating func null() -> Bool {
        literal("null")
    }

    private mutating func literal(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        let matches = word.withUTF8Buffer { expected in
            (0..<count).allSatisfy { bytes[index + $0] == expected[$0] }
        }
        if matches { index += count }
        return matches
    }

    /// The value here, decoded by `JSONDecoder`.
    private mutating func decoded<Value: Decodable>(_ type: Value.Type) throws -> Value {
        let start = index
        try skipValue()
        return try JSONDecoder().decode(type, from: Data(UnsafeBufferPointer(rebasing: bytes[start..<index])))
    }

    /// Moves past one value without reading it (its syntax is `JSONDecoder`'s to check).
    private mutating func skipValue() throws {
        var depth = 0
        repeat {
            guard let byte = peek() else { throw Unexpected() }
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                while let byte = peek(), byte != UInt8(ascii: "\"") {
                    index += byte == UInt8(ascii: "\\") ? 2 : 1
                }
                try expect(UInt8(ascii: "\""))
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                index += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                guard depth > 0 else { throw Unexpected() }
                depth -= 1
                index += 1
            case UInt8(ascii: ","), UInt8(ascii: ":"), 0x20, 0x09, 0x0A, 0x0D:
                guard depth > 0 else { throw Unexpected() }
                index += 1
            default:
                // A number or a literal: up to the next delimiter.
                while let byte = peek(), !Self.delimiters.contains(byte) { index += 1 }
            }
        } while depth > 0
    }

    private static let delimiters: [UInt8] = Array(",:]}\" \t\n\r".utf8)

    // MARK: Bytes

    private func peek() -> UInt8? {
        index < bytes.count ? bytes[index] : nil
    }

    private mutating func next() -> UInt8? {
        defer { index += 1 }
        return peek()
    }

    private mutating func expect(_ byte: UInt8) throws {
        guard peek() == byte else { throw Unexpected() }
        index += 1
    }

    private mutating func skipWhitespace() {
        while let byte = peek(), byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { index += 1 }
    }
}
