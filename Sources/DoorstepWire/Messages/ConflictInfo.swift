public import Foundation
public import DoorstepCore

/// A value kept because it was overwritten concurrently, as organisers see it.
public struct ConflictInfo: Codable, Sendable, Hashable {
    /// Stable id: derived from the response, the field and the losing write's stamp.
    public var id: String
    public var response: UUID
    public var campaign: String
    public var field: String
    /// The value that lost, and who wrote it when.
    public var value: AnswerValue?
    public var stamp: HLCTimestamp
    public var device: String
    /// The name of the token that sent the losing write (the officer), when the server knows it.
    public var officer: String?
    /// The value the field holds now.
    public var current: AnswerValue?
    public var currentStamp: HLCTimestamp

    public init(
        id: String, response: UUID, campaign: String, field: String, value: AnswerValue?,
        stamp: HLCTimestamp, device: String, officer: String? = nil, current: AnswerValue?, currentStamp: HLCTimestamp
    ) {
        self.officer = officer
        self.id = id
        self.response = response
        self.campaign = campaign
        self.field = field
        self.value = value
        self.stamp = stamp
        self.device = device
        self.current = current
        self.currentStamp = currentStamp
    }

    private enum CodingKeys: String, CodingKey {
        case id, response, campaign, field, value, stamp, device, officer, current
        case currentStamp = "current_stamp"
    }

    /// Encodes as the synthesized conformance would (a value that is `nil` left out), but the
    /// response id in lower case as Doorstep prints ids (``Foundation/UUID/lowercasedString``).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(response.lowercasedString, forKey: .response)
        try container.encode(campaign, forKey: .campaign)
        try container.encode(field, forKey: .field)
        try container.encodeIfPresent(value, forKey: .value)
        try container.encode(stamp, forKey: .stamp)
        try container.encode(device, forKey: .device)
        try container.encodeIfPresent(officer, forKey: .officer)
        try container.encodeIfPresent(current, forKey: .current)
        try container.encode(currentStamp, forKey: .currentStamp)
    }
}
