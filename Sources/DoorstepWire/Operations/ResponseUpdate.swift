public import Foundation
public import DoorstepCore

/// Corrections to a response, each field written with the operation's stamp.
public struct ResponseUpdate: Codable, Hashable, Sendable {
    public var response: UUID
    public var fields: [FieldChange]

    public init(response: UUID, fields: [FieldChange]) {
        self.response = response
        self.fields = fields
    }
}

/// One field write: the new value and the stamp of the value it replaced.
public struct FieldChange: Codable, Hashable, Sendable {
    /// The question name.
    public var name: String
    /// The new answer; `nil` clears it.
    public var value: AnswerValue?
    /// The stamp of the value the writer saw and replaced; `nil` if the field had none.
    public var base: HLCTimestamp?
    /// Stamps of concurrent values this write settles (an organiser resolving a conflict).
    public var resolves: [HLCTimestamp]

    public init(name: String, value: AnswerValue?, base: HLCTimestamp?, resolves: [HLCTimestamp] = []) {
        self.name = name
        self.value = value
        self.base = base
        self.resolves = resolves
    }

    private enum CodingKeys: String, CodingKey { case name, value, base, resolves }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        value = try container.decodeIfPresent(AnswerValue.self, forKey: .value)
        base = try container.decodeIfPresent(HLCTimestamp.self, forKey: .base)
        resolves = try container.decodeIfPresent([HLCTimestamp].self, forKey: .resolves) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(value, forKey: .value)
        try container.encode(base, forKey: .base)
        if !resolves.isEmpty { try container.encode(resolves, forKey: .resolves) }
    }
}

// MARK: Fast reader and writer

extension ResponseUpdate {
    /// Reads a `response.update` payload from checked JSON text, as `Codable` does.
    package init(json: JSONValue) throws(JSONShapeError) {
        let object = try json.object(["response", "fields"])
        response = try object.required("response").uuid()
        fields = []
        for field in try object.required("fields").elements() {
            fields.append(try FieldChange(json: field))
        }
    }

    /// Writes the payload as `JSONEncoder.wire` does.
    package func write(to json: inout JSONWriter) {
        json.raw(#"{"fields":["#)
        for (index, field) in fields.enumerated() {
            if index > 0 { json.byte(UInt8(ascii: ",")) }
            field.write(to: &json)
        }
        json.raw(#"],"response":"#)
        json.uuid(response)
        json.byte(UInt8(ascii: "}"))
    }
}

extension FieldChange {
    /// Reads one field write from checked JSON text, as `Codable` does.
    package init(json: JSONValue) throws(JSONShapeError) {
        let object = try json.object(["name", "value", "base", "resolves"])
        name = try object.required("name").string()
        value = try object.optional("value")?.answer()
        base = try object.optional("base")?.stamp()
        resolves = []
        for stamp in try object.optional("resolves")?.elements() ?? [] {
            resolves.append(try stamp.stamp())
        }
    }

    /// Writes the field write as `JSONEncoder.wire` does: `base` and `value` always, `null` when
    /// absent; `resolves` only when it settles something.
    package func write(to json: inout JSONWriter) {
        json.raw(#"{"base":"#)
        if let base { json.stamp(base) } else { json.raw("null") }
        json.raw(#","name":"#)
        json.string(name)
        if !resolves.isEmpty {
            json.raw(#","resolves":["#)
            for (index, stamp) in resolves.enumerated() {
                if index > 0 { json.byte(UInt8(ascii: ",")) }
                json.stamp(stamp)
            }
            json.byte(UInt8(ascii: "]"))
        }
        json.raw(#","value":"#)
        json.answer(value)
        json.byte(UInt8(ascii: "}"))
    }
}
