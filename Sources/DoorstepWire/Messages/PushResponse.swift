public import Foundation
public import DoorstepCore

/// The server's answer to a push: one result per operation, in the order sent.
public struct PushResponse: Codable, Sendable, Hashable {
    public var results: [OperationResult]
    /// The server's clock, so devices move their clocks past it.
    public var serverTime: HLCTimestamp
    /// The server's epoch; a new one means the server was restored and devices re-send.
    public var epoch: String

    public init(results: [OperationResult], serverTime: HLCTimestamp, epoch: String) {
        self.results = results
        self.serverTime = serverTime
        self.epoch = epoch
    }

    private enum CodingKeys: String, CodingKey {
        case results, epoch
        case serverTime = "server_time"
    }
}

/// What the server did with one operation. A repeated operation that was applied or rejected gets
/// the first result again; a held one is looked at afresh.
public struct OperationResult: Codable, Sendable, Hashable {
    /// The outcome of one operation.
    public enum Status: String, Codable, Sendable, Hashable {
        /// Stored now or by an earlier push of the same operation id.
        case applied
        /// Not applied yet: the server lacks what it needs (an unknown campaign, form version or
        /// response) and may have it later. The device keeps it and sends it again at every sync.
        case held
        /// Refused for good; `reason` says why. Retrying will not help.
        case rejected
    }

    public var id: UUID
    public var status: Status
    /// A sentence for people when held or rejected.
    public var reason: String?
    /// How many field values this operation left in conflict.
    public var conflicts: Int

    public init(id: UUID, status: Status, reason: String? = nil, conflicts: Int = 0) {
        self.id = id
        self.status = status
        self.reason = reason
        self.conflicts = conflicts
    }
}

// MARK: Fast writer

extension PushResponse {
    /// Writes the answer as `JSONEncoder.wire` does, without the encoder's cost per result.
    package func write(to json: inout JSONWriter) {
        json.raw(#"{"epoch":"#)
        json.string(epoch)
        json.raw(#","results":["#)
        for (index, result) in results.enumerated() {
            if index > 0 { json.byte(UInt8(ascii: ",")) }
            result.write(to: &json)
        }
        json.raw(#"],"server_time":"#)
        json.stamp(serverTime)
        json.byte(UInt8(ascii: "}"))
    }

    /// The answer as `JSONEncoder.wire` writes it.
    package var jsonBytes: [UInt8] {
        var json = JSONWriter(capacity: results.count * 72 + 128)
        write(to: &json)
        return json.bytes
    }
}

extension OperationResult {
    /// Writes the result as `JSONEncoder.wire` does.
    package func write(to json: inout JSONWriter) {
        json.raw(#"{"conflicts":"#)
        json.integer(conflicts)
        json.raw(#","id":"#)
        json.uuid(id)
        if let reason {
            json.raw(#","reason":"#)
            json.string(reason)
        }
        json.raw(#","status":"#)
        json.string(status.rawValue)
        json.byte(UInt8(ascii: "}"))
    }
}
