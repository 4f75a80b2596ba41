public import Foundation
public import DoorstepCore

/// The merged state of one response, as the server holds it.
public struct ResponseState: Codable, Sendable, Hashable {
    public var id: UUID
    public var campaign: String
    public var address: String
    public var form: String
    public var formVersion: String
    public var recordedAt: String
    public var device: String
    /// Every field's winning value and stamp; a cleared field has a `nil` value.
    public var fields: [String: FieldValue]
    /// Set when a resident withdrew consent; erased fields are absent from `fields`.
    public var erased: Erasure.Scope?

    public init(
        id: UUID, campaign: String, address: String, form: String, formVersion: String,
        recordedAt: String, device: String, fields: [String: FieldValue], erased: Erasure.Scope? = nil
    ) {
        self.id = id
        self.campaign = campaign
        self.address = address
        self.form = form
        self.formVersion = formVersion
        self.recordedAt = recordedAt
        self.device = device
        self.fields = fields
        self.erased = erased
    }

    private enum CodingKeys: String, CodingKey {
        case id, campaign, address, form, device, fields, erased
        case formVersion = "form_version", recordedAt = "recorded_at"
    }
}

/// A field's current value and the stamp of the write that set it.
public struct FieldValue: Codable, Sendable, Hashable {
    public var value: AnswerValue?
    public var stamp: HLCTimestamp

    public init(value: AnswerValue?, stamp: HLCTimestamp) {
        self.value = value
        self.stamp = stamp
    }
}

// MARK: Fast reader and writer

extension ResponseState {
    /// Reads a response from checked JSON text, as `Codable` does; a repeated name is refused
    /// (`JSONDecoder` keeps the first).
    package init(json: JSONValue) throws(JSONShapeError) {
        let object = try json.object(
            ["id", "campaign", "address", "form", "form_version", "recorded_at", "device", "fields", "erased"], repeatedNames: .refused
        )
        id = try object.required("id").uuid()
        campaign = try object.required("campaign").string()
        address = try object.required("address").string()
        form = try object.required("form").string()
        formVersion = try object.required("form_version").string()
        recordedAt = try object.required("recorded_at").string()
        device = try object.required("device").string()
        erased = try object.optional("erased")?.raw(Erasure.Scope.self, expected: Erasure.Scope.expected)
        // The fields of a response mostly share one stamp: it is read once.
        var lastStamp: (text: Range<Int>, stamp: HLCTimestamp)?
        var fields: [String: FieldValue] = [:]
        try object.required("fields").forEachMember { member throws(JSONShapeError) in
            let name = member.name
            let field = member.value(named: name)
            var stamp: HLCTimestamp?
            var value: JSONValue?
            try field.forEachMember { part throws(JSONShapeError) in
                let partValue = part.value(named: "")
                if part.isNamed("stamp") {
                    guard stamp == nil else { throw field.invalid("its stamp is repeated") }
                    let range = partValue.range
                    if let lastStamp, json.bytes.same(lastStamp.text, range) {
                        stamp = lastStamp.stamp
                    } else {
                        let read = try partValue.stamp()
                        stamp = read
                        lastStamp = (range, read)
                    }
                } else if part.isNamed("value") {
                    guard value == nil else { throw field.invalid("its value is repeated") }
                    value = partValue
                }
            }
            guard let stamp else { throw field.invalid("it has no stamp") }
            let read = FieldValue(value: value?.kind == .null ? nil : try value?.answer(), stamp: stamp)
            guard fields.updateValue(read, forKey: name) == nil else { throw field.invalid("the field \(name) is repeated") }
        }
        self.fields = fields
    }

    /// Writes the response as `JSONEncoder.wire` does.
    package func write(to json: inout JSONWriter) {
        _ = Self.write(
            id: id, campaign: campaign, address: address, form: form, formVersion: formVersion, recordedAt: recordedAt,
            device: device, erased: erased?.rawValue, to: &json
        ) { json in
            FieldValue.write(fields, to: &json)
            return true
        }
    }

    /// Writes a response as `JSONEncoder.wire` does from what the server stores: its columns, and
    /// its fields written by `fields` (which returns `false` when it cannot write them; the text
    /// written is then incomplete, and this returns `false`).
    package static func write(
        id: UUID, campaign: String, address: String, form: String, formVersion: String, recordedAt: String,
        device: String, erased: String?, to json: inout JSONWriter, fields: (inout JSONWriter) -> Bool
    ) -> Bool {
        json.raw(#"{"address":"#)
        json.string(address)
        json.raw(#","campaign":"#)
        json.string(campaign)
        json.raw(#","device":"#)
        json.string(device)
        if let erased {
            json.raw(#","erased":"#)
            json.string(erased)
        }
        json.raw(#","fields":"#)
        guard fields(&json) else { return false }
        json.raw(#","form":"#)
        json.string(form)
        json.raw(#","form_version":"#)
        json.string(formVersion)
        json.raw(#","id":"#)
        json.uuid(id)
        json.raw(#","recorded_at":"#)
        json.string(recordedAt)
        json.byte(UInt8(ascii: "}"))
        return true
    }

    // MARK: Fields from stored text

    /// Writes the `fields` of a response whose answers were all set by one write, from the
    /// stored `{name: answer}` text: each answer copied as it is, with `stamp`; `null` answers
    /// (erased) left out. Returns `false` for text it does not vouch for (see ``copiedAnswer(_:)``).
    package static func writeFields(answers text: JSONBytes, stamp: HLCTimestamp, to json: inout JSONWriter) -> Bool {
        guard let root = checkedRoot(text), let members = try? root.members() else { return false }
        var stampText = JSONWriter(capacity: 40)
        stampText.stamp(stamp)
        json.byte(UInt8(ascii: "{"))
        var first = true
        for member in members {
            guard let answer = copiedAnswer(member.unnamedValue) else { return false }
            guard let answer else { continue }
            if !first { json.byte(UInt8(ascii: ",")) }
            first = false
            json.raw(text[member.key])
            json.raw(#":{"stamp":"#)
            json.raw(stampText.bytes)
            json.raw(#","value":"#)
            json.raw(text[answer])
            json.byte(UInt8(ascii: "}"))
        }
        json.byte(UInt8(ascii: "}"))
        return true
    }

    /// Writes the `fields` of a response from the stored `{name: {"stamp": s, "value": v}}`
    /// text, each answer copied as it is. Returns `false` for text it does not vouch for.
    package static func writeFields(stored text: JSONBytes, to json: inout JSONWriter) -> Bool {
        guard let root = checkedRoot(text), let members = try? root.members() else { return false }
        json.byte(UInt8(ascii: "{"))
        // The fields of a response mostly share one stamp: it is read once.
        var lastStamp: (text: Range<Int>, written: [UInt8])?
        for (index, member) in members.enumerated() {
            // A field holds `stamp` and may hold `value`, nothing else (repeated names were
            // refused by the check of the whole text).
            var stampValue: JSONValue?
            var storedValue: JSONValue?
            var unexpected = false
            let read: Void? = try? member.unnamedValue.forEachMember { part in
                if part.isNamed("stamp") {
                    stampValue = part.unnamedValue
                } else if part.isNamed("value") {
                    storedValue = part.unnamedValue
                } else {
                    unexpected = true
                }
            }
            guard read != nil, !unexpected, let stampValue else { return false }
            let stampRange = stampValue.range
            let stampText: [UInt8]
            if let lastStamp, text.same(lastStamp.text, stampRange) {
                stampText = lastStamp.written
            } else {
                guard let stamp = try? stampValue.stamp() else { return false }
                var written = JSONWriter(capacity: 40)
                written.stamp(stamp)
                stampText = written.bytes
                lastStamp = (stampRange, stampText)
            }
            if index > 0 { json.byte(UInt8(ascii: ",")) }
            json.raw(text[member.key])
            json.raw(#":{"stamp":"#)
            json.raw(stampText)
            if let storedValue, storedValue.kind != .null {
                guard let answer = copiedAnswer(storedValue), let answer else { return false }
                json.raw(#","value":"#)
                json.raw(text[answer])
            }
            json.byte(UInt8(ascii: "}"))
        }
        json.byte(UInt8(ascii: "}"))
        return true
    }

    /// The root of stored text that passes ``JSONScanner`` with no name repeated within an object:
    /// a device's `JSONDecoder` keeps the first of a repeated name where the server keeps the last.
    private static func checkedRoot(_ text: JSONBytes) -> JSONValue? {
        guard let root = try? JSONScanner.check(text, rejectingRepeatedKeys: true) else { return nil }
        return JSONValue(text, at: root)
    }

    /// Where the text of an answer that can be copied as it is sits: a string, a whole number
    /// that fits in `Int`, or a list of strings; `.some(nil)` for `null`; `nil` for anything
    /// else, which the caller leaves to the slow path.
    private static func copiedAnswer(_ value: JSONValue) -> Range<Int>?? {
        switch value.kind {
        case .null: return .some(nil)
        case .string: break
        case .number: guard (try? value.integer()) != nil else { return nil }
        case .array: guard (try? value.elements().allSatisfy { $0.kind == .string }) == true else { return nil }
        case .bool, .object: return nil
        }
        return .some(value.range)
    }
}

extension FieldValue {
    /// Writes the field as `JSONEncoder.wire` does; a cleared field has no `value`.
    package func write(to json: inout JSONWriter) {
        json.raw(#"{"stamp":"#)
        json.stamp(stamp)
        if let value {
            json.raw(#","value":"#)
            json.answer(value)
        }
        json.byte(UInt8(ascii: "}"))
    }

    /// `fields` as `JSONEncoder.wire` writes them, for the stored `fields_json`.
    package static func jsonText(_ fields: [String: FieldValue]) -> String {
        var json = JSONWriter(capacity: fields.count * 64)
        write(fields, to: &json)
        return json.text
    }

    /// `{name: field}` with names sorted, as `JSONEncoder.wire` writes it.
    package static func write(_ fields: [String: FieldValue], to json: inout JSONWriter) {
        json.byte(UInt8(ascii: "{"))
        for (index, name) in fields.keys.sorted().enumerated() {
            if index > 0 { json.byte(UInt8(ascii: ",")) }
            json.string(name)
            json.byte(UInt8(ascii: ":"))
            fields[name]!.write(to: &json)
        }
        json.byte(UInt8(ascii: "}"))
    }
}
