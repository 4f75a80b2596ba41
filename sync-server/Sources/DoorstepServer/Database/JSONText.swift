import DoorstepCore
import Foundation

/// Fast JSON text for what the push path stores many times per second.
///
/// `JSONEncoder` costs microseconds per call; the push path writes millions of values, so the
/// shapes it stores (answers, field states, operations) are written by hand here, with keys sorted.
/// Everything written here is read back with `JSONDecoder` into the same wire types.
enum JSONText {
    /// A JSON string literal.
    static func string(_ value: String) -> String {
        if !value.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
            return "\"" + value + "\""
        }
        var out = "\""
        out.reserveCapacity(value.utf8.count + 2)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
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
        out += "\""
        return out
    }

    /// An answer as JSON: a string, a number or an array of strings; `null` for none.
    static func answer(_ value: AnswerValue?) -> String {
        switch value {
        case nil: "null"
        case .text(let text): string(text)
        case .integer(let int): String(int)
        case .decimal(let double): double.isFinite ? "\(double)" : "null"
        case .list(let list): "[" + list.map(string).joined(separator: ",") + "]"
        }
    }

    /// `{name: value}` with keys sorted.
    static func answers(_ answers: Answers) -> String {
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

    /// `{name: {"stamp": s, "value": v}}` with keys sorted; a cleared field has no `value`.
    static func fields(_ fields: [String: FieldValue]) -> String {
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
    static func stamps(_ stamps: [HLCTimestamp]) -> String? {
        stamps.isEmpty ? nil : "[" + stamps.map { string($0.description) }.joined(separator: ",") + "]"
    }

    /// An operation exactly as the wire format has it (`SyncOperation`'s `Codable` reads it back).
    static func operation(_ operation: SyncOperation) -> String {
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
                + "\"campaign\":\(string(visit.campaign)),\"note\":\(visit.note.map(string) ?? "null"),"
                + "\"outcome\":\(string(visit.outcome.rawValue)),\"visit\":\(string(visit.visit.uuidString))}"
        case .eraseResponse(let erasure):
            payload = "{\"reason\":\(erasure.reason.map(string) ?? "null"),\"response\":\(string(erasure.response.uuidString)),"
                + "\"scope\":\(string(erasure.scope.rawValue))}"
        }
        return "{\"device\":\(string(operation.device)),\"id\":\(string(operation.id.uuidString)),"
            + "\"payload\":\(payload),\"stamp\":\(string(operation.stamp.description)),\"type\":\(string(operation.kind))}"
    }
}
