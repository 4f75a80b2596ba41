public import Foundation
public import DoorstepCore

/// One change made on a device, as it waits in the outbox and travels to the server.
///
/// Every operation has its own id, so a push that is retried after a timeout is applied exactly
/// once: the server keeps the id and answers a repeat with the result it gave the first time.
/// The JSON shape is documented in `docs/sync-protocol.md`.
public struct SyncOperation: Codable, Hashable, Sendable, Identifiable {
    /// The operation's own id, made on the device.
    public var id: UUID
    /// The clock stamp of the change; every field it writes carries this stamp.
    public var stamp: HLCTimestamp
    /// The device that made the change.
    public var device: String
    /// What the operation does.
    public var body: Body

    /// Creates an operation.
    public init(id: UUID = UUID(), stamp: HLCTimestamp, device: String, body: Body) {
        self.id = id
        self.stamp = stamp
        self.device = device
        self.body = body
    }

    /// The kinds of change a device can make.
    public enum Body: Hashable, Sendable {
        /// A new questionnaire response with its answers.
        case createResponse(NewResponse)
        /// Corrections to fields of an existing response.
        case updateResponse(ResponseUpdate)
        /// A knock on a door.
        case recordVisit(Visit)
        /// A resident withdrew consent: remove personal data everywhere.
        case eraseResponse(Erasure)
        /// A door found on the day that is not on the walk list.
        case addAddress(NewAddress)
        /// An agency recorded what it did about a follow-up.
        case recordOutcome(FollowUpOutcome)
    }

    /// The wire name of the operation's kind, as in `"type"` of the JSON.
    public var kind: String {
        switch body {
        case .createResponse: "response.create"
        case .updateResponse: "response.update"
        case .recordVisit: "visit"
        case .eraseResponse: "response.erase"
        case .addAddress: "address.add"
        case .recordOutcome: "followup.outcome"
        }
    }

    /// Every wire name ``kind`` takes.
    public static let kinds = ["response.create", "response.update", "visit", "response.erase", "address.add", "followup.outcome"]

    /// The response the operation creates, changes or erases; `nil` for a knock, a door or an outcome.
    public var response: UUID? {
        switch body {
        case .createResponse(let response): response.response
        case .updateResponse(let update): update.response
        case .eraseResponse(let erasure): erasure.response
        case .recordVisit, .addAddress, .recordOutcome: nil
        }
    }

    /// Whether the operation carries a safeguarding concern, so it is pushed first.
    public var isUrgent: Bool {
        if case .createResponse(let response) = body { return response.safeguarding }
        return false
    }

    private enum CodingKeys: String, CodingKey { case id, type, stamp, device, payload }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(UUID.self, forKey: .id)
        stamp = try container.decode(HLCTimestamp.self, forKey: .stamp)
        device = try container.decode(String.self, forKey: .device)
        let type = try container.decode(String.self, forKey: .type)
        switch type {
        case "response.create": body = .createResponse(try container.decode(NewResponse.self, forKey: .payload))
        case "response.update": body = .updateResponse(try container.decode(ResponseUpdate.self, forKey: .payload))
        case "visit": body = .recordVisit(try container.decode(Visit.self, forKey: .payload))
        case "response.erase": body = .eraseResponse(try container.decode(Erasure.self, forKey: .payload))
        case "address.add": body = .addAddress(try container.decode(NewAddress.self, forKey: .payload))
        case "followup.outcome": body = .recordOutcome(try container.decode(FollowUpOutcome.self, forKey: .payload))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: container, debugDescription: "Unknown operation type \"\(type)\"."
            )
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(kind, forKey: .type)
        try container.encode(stamp, forKey: .stamp)
        try container.encode(device, forKey: .device)
        switch body {
        case .createResponse(let payload): try container.encode(payload, forKey: .payload)
        case .updateResponse(let payload): try container.encode(payload, forKey: .payload)
        case .recordVisit(let payload): try container.encode(payload, forKey: .payload)
        case .eraseResponse(let payload): try container.encode(payload, forKey: .payload)
        case .addAddress(let payload): try container.encode(payload, forKey: .payload)
        case .recordOutcome(let payload): try container.encode(payload, forKey: .payload)
        }
    }
}

// MARK: Fast reader and writer

extension SyncOperation {
    /// Why a new response's `recorded_at` is refused, in words, or `nil` when it is accepted.
    package typealias RecordedAtCheck = (String) -> String?

    /// Reads an operation from checked JSON text, as its `Codable` conformance does, with a
    /// message naming the path of the first faulty value.
    ///
    /// - Parameters:
    ///   - json: The operation's object.
    ///   - recordedAt: What a new response's `recorded_at` must be; `nil`: anything.
    package init(json: JSONValue, recordedAt: RecordedAtCheck?) throws(JSONShapeError) {
        let object = try json.object(["id", "stamp", "device", "type", "payload"])
        id = try object.required("id").uuid()
        stamp = try object.required("stamp").stamp()
        device = try object.required("device").string()
        let type = try object.required("type")
        let payload = try object.required("payload")
        switch try type.string() {
        case "response.create": body = .createResponse(try NewResponse(json: payload, recordedAt: recordedAt))
        case "response.update": body = .updateResponse(try ResponseUpdate(json: payload))
        case "visit": body = .recordVisit(try Visit(json: payload))
        case "response.erase": body = .eraseResponse(try Erasure(json: payload))
        case "address.add": body = .addAddress(try NewAddress(json: payload))
        case "followup.outcome": body = .recordOutcome(try FollowUpOutcome(json: payload))
        case let other: throw type.invalid("Unknown operation type \"\(other)\"")
        }
    }

    /// Writes the operation as `JSONEncoder.wire` does.
    package func write(to json: inout JSONWriter) {
        json.raw(#"{"device":"#)
        json.string(device)
        json.raw(#","id":"#)
        json.uuid(id)
        json.raw(#","payload":"#)
        switch body {
        case .createResponse(let payload): payload.write(to: &json)
        case .updateResponse(let payload): payload.write(to: &json)
        case .recordVisit(let payload): payload.write(to: &json)
        case .eraseResponse(let payload): payload.write(to: &json)
        case .addAddress(let payload): payload.write(to: &json)
        case .recordOutcome(let payload): payload.write(to: &json)
        }
        json.raw(#","stamp":"#)
        json.stamp(stamp)
        json.raw(#","type":"#)
        json.string(kind)
        json.byte(UInt8(ascii: "}"))
    }

    /// The operation as `JSONEncoder.wire` writes it.
    package var jsonText: String {
        var json = JSONWriter(capacity: 512)
        write(to: &json)
        return json.text
    }

    /// Reads one operation from its JSON text, as stored in the operation log; `nil` when the
    /// text is not an operation.
    package init?(jsonText text: String) {
        let bytes = Array(text.utf8)
        let operation = withJSONBytes(bytes) { bytes -> SyncOperation? in
            guard let root = try? JSONScanner.check(bytes) else { return nil }
            return try? SyncOperation(json: JSONValue(bytes, at: root, path: ""), recordedAt: nil)
        }
        guard let operation else { return nil }
        self = operation
    }
}
