package import DoorstepCore
package import Foundation

/// Fast JSON text for what the push path stores many times per second.
///
/// `JSONEncoder` costs microseconds per call; the push path writes millions of values, so the
/// shapes it stores (answers, field states, operations) are written by hand here, with keys sorted.
/// Everything written here is read back with `JSONDecoder` into the same wire types.
package enum JSONText {
    /// A JSON string literal: quotes, backslashes, `\n`, `\r` and `\t` escaped, other control
    /// characters as `\u00xx` (how the stored JSON has always been written).
    package static func string(_ value: String) -> String {
        escaped(value, likeEncoder: false)
    }

    /// `uuid.uuidString` (upper-case hex in groups of 8-4-4-4-12), without formatting each byte through `sprintf`.
    package static func uuidString(_ uuid: UUID) -> String {
        withUnsafeBytes(of: uuid.uuid) { bytes in
            String(unsafeUninitializedCapacity: 36) { out in
                var position = 0
                for (index, byte) in bytes.enumerated() {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        out[position] = UInt8(ascii: "-")
                        position += 1
                    }
                    out[position] = hexDigit(byte >> 4)
                    out[position + 1] = hexDigit(byte & 0x0F)
                    position += 2
                }
                return position
            }
        }
    }

    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "A") + value - 10
    }

    /// An answer as JSON: a string, a number or an array of strings; `null` for none.
    package static func answer(_ value: AnswerValue?) -> String {
        switch value {
        case nil: "null"
        case .text(let text): string(text)
        case .integer(let int): String(int)
        case .decimal(let double): double.isFinite ? "\(double)" : "null"
        case .list(let list): "[" + list.map(string).joined(separator: ",") + "]"
        }
    }

    /// `{name: value}` with keys sorted.
    package static func answers(_ answers: Answers) -> String {
        var out = "{"
        out.reserveCapacity(answers.count * 24)
        for (index, name) in answers.keys.sorted().enumerated() {
            if index > 0 { out += "," }
            out += string(name)
            out += ":"
            out += answer(answers[name])
        }
        out += "}"
        return out
    }

    /// A form's question names as ``answers(inFormOrder:keys:)`` writes them: sorted, each with
    /// the index of the last question so named (whose answer a dictionary keeps) and its key text.
    package static func answerKeys(_ form: FormDefinition) -> [(index: Int, key: [UInt8])] {
        var lastIndex: [String: Int] = [:]
        for (index, question) in form.questions.enumerated() { lastIndex[question.name] = index }
        return lastIndex.keys.sorted().map { name in (lastIndex[name]!, Array((string(name) + ":").utf8)) }
    }

    /// ``answers(_:)`` of validated answers in form order (see
    /// `AnswerValidator.validateInFormOrder`), with the form's ``answerKeys(_:)``: the same text,
    /// without a dictionary or a sort.
    package static func answers(inFormOrder values: [AnswerValue?], keys: [(index: Int, key: [UInt8])]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(32 * values.count)
        out.append(UInt8(ascii: "{"))
        for (index, key) in keys {
            guard index < values.count, let value = values[index] else { continue }
            if out.count > 1 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: key)
            switch value {
            case .text(let text): append(text, to: &out)
            case .integer(let int): out.append(contentsOf: String(int).utf8)
            case .decimal: out.append(contentsOf: answer(value).utf8)
            case .list(let list):
                out.append(UInt8(ascii: "["))
                for (position, item) in list.enumerated() {
                    if position > 0 { out.append(UInt8(ascii: ",")) }
                    append(item, to: &out)
                }
                out.append(UInt8(ascii: "]"))
            }
        }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends ``string(_:)`` of `text`.
    private static func append(_ text: String, to out: inout [UInt8]) {
        var text = text
        let plain = text.withUTF8 { bytes in
            guard !bytes.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) else { return false }
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: bytes)
            out.append(UInt8(ascii: "\""))
            return true
        }
        if !plain { out.append(contentsOf: string(text).utf8) }
    }

    /// `{name: {"stamp": s, "value": v}}` with keys sorted; a cleared field has no `value`.
    package static func fields(_ fields: [String: FieldValue]) -> String {
        var stampTexts: [HLCTimestamp: String] = [:]
        var out = "{"
        for (index, name) in fields.keys.sorted().enumerated() {
            let field = fields[name]!
            let stamp: String
            if let known = stampTexts[field.stamp] {
                stamp = known
            } else {
                stamp = string(field.stamp.description)
                stampTexts[field.stamp] = stamp
            }
            if index > 0 { out += "," }
            out += string(name) + ":{\"stamp\":" + stamp
            if let value = field.value { out += ",\"value\":" + answer(value) }
            out += "}"
        }
        return out + "}"
    }

    /// A list of stamps, or `nil` when empty.
    package static func stamps(_ stamps: [HLCTimestamp]) -> String? {
        stamps.isEmpty ? nil : "[" + stamps.map { string($0.description) }.joined(separator: ",") + "]"
    }

    /// An operation exactly as the wire format has it (`SyncOperation`'s `Codable` reads it back).
    package static func operation(_ operation: SyncOperation) -> String {
        let payload: String
        switch operation.body {
        case .createResponse(let new):
            payload = "{\"address\":\(string(new.address)),\"answers\":\(answers(new.answers)),"
                + "\"campaign\":\(string(new.campaign)),\"form\":\(string(new.form)),"
                + "\"form_version\":\(string(new.formVersion)),\"recorded_at\":\(string(new.recordedAt))"
                + (new.erased.map { ",\"erased\":\(string($0.rawValue))" } ?? "")
                + ",\"response\":\(string(new.response.uuidString)),\"safeguarding\":\(new.safeguarding)}"
        case .updateResponse(let update):
            let changes = update.fields.map { change in
                var text = "{\"base\":" + (change.base.map { string($0.description) } ?? "null")
                text += ",\"name\":" + string(change.name)
                if let resolves = stamps(change.resolves) { text += ",\"resolves\":" + resolves }
                return text + ",\"value\":" + answer(change.value) + "}"
            }
            payload = "{\"fields\":[\(changes.joined(separator: ","))],\"response\":\(string(update.response.uuidString))}"
        case .recordVisit(let visit):
            payload = "{\"address\":\(string(visit.address)),\"at\":\(string(visit.at)),"
                + (visit.callBack.map { "\"call_back\":\(string($0))," } ?? "")
                + "\"campaign\":\(string(visit.campaign)),\"note\":\(visit.note.map(string) ?? "null"),"
                + "\"outcome\":\(string(visit.outcome.rawValue)),\"visit\":\(string(visit.visit.uuidString))}"
        case .eraseResponse(let erasure):
            payload = "{\"reason\":\(erasure.reason.map(string) ?? "null"),\"response\":\(string(erasure.response.uuidString)),"
                + "\"scope\":\(string(erasure.scope.rawValue))}"
        case .addAddress(let new):
            let door = new.door
            let notes = door.notes.sorted { $0.key < $1.key }.map { "\(string($0.key)):\(string($0.value))" }
            var fields = ["\"address\":\(string(door.address))", "\"id\":\(string(door.id))", "\"notes\":{\(notes.joined(separator: ","))}"]
            for (key, value) in [("area", door.area), ("postcode", door.postcode), ("street", door.street), ("uprn", door.uprn)] {
                if let value { fields.append("\"\(key)\":\(string(value))") }
            }
            fields.sort()
            payload = "{\"campaign\":\(string(new.campaign)),\"door\":{\(fields.joined(separator: ","))}}"
        }
        return "{\"device\":\(string(operation.device)),\"id\":\(string(operation.id.uuidString)),"
            + "\"payload\":\(payload),\"stamp\":\(string(operation.stamp.description)),\"type\":\(string(operation.kind))}"
    }

    /// A push's answer exactly as `Response.json` writes it (`JSONEncoder`, keys sorted, slashes
    /// left alone), without the encoder's cost per result.
    package static func pushResponse(_ response: PushResponse) -> String {
        var out = "{\"epoch\":" + encoderString(response.epoch) + ",\"results\":["
        out.reserveCapacity(response.results.count * 72 + 128)
        for (index, result) in response.results.enumerated() {
            if index > 0 { out += "," }
            out += "{\"conflicts\":" + String(result.conflicts) + ",\"id\":\"" + result.id.uuidString + "\""
            if let reason = result.reason { out += ",\"reason\":" + encoderString(reason) }
            out += ",\"status\":\"" + result.status.rawValue + "\"}"
        }
        return out + "],\"server_time\":" + encoderString(response.serverTime.description) + "}"
    }

    /// A JSON string literal escaped as `JSONEncoder` escapes it: `\b`, `\f`, `\n`, `\r`, `\t`,
    /// other control characters as `\u00xx`, quotes and backslashes.
    package static func encoderString(_ value: String) -> String {
        escaped(value, likeEncoder: true)
    }

    private static func escaped(_ value: String, likeEncoder: Bool) -> String {
        if !value.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
            return "\"" + value + "\""
        }
        var out = "\""
        out.reserveCapacity(value.utf8.count + 8)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\u{08}" where likeEncoder: out += "\\b"
            case "\u{0C}" where likeEncoder: out += "\\f"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
