public import DoorstepCore

/// `POST /v1/conflicts/{id}/resolve`: the value that settles a conflict; `null` clears the field.
public struct Resolution: Codable, Sendable, Hashable {
    public var value: AnswerValue?

    public init(value: AnswerValue?) {
        self.value = value
    }

    private enum CodingKeys: String, CodingKey { case value }

    /// Reads a resolution; `value` must be there, `null` to clear the field.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard container.contains(.value) else {
            throw DecodingError.keyNotFound(
                CodingKeys.value, .init(codingPath: [], debugDescription: "The body needs a value (null clears the field).")
            )
        }
        value = try container.decodeNil(forKey: .value) ? nil : container.decode(AnswerValue.self, forKey: .value)
    }

    /// Writes `value` always, `null` when it clears the field.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(value, forKey: .value)
    }
}
