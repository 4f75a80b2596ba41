public import Foundation

/// A resident withdrew consent.
public struct Erasure: Codable, Hashable, Sendable {
    /// What an erasure removes.
    public enum Scope: String, Codable, Hashable, Sendable {
        /// The resident's personal answers: those of the questions a withdrawal of consent erases
        /// (``FormDefinition/questionsErasedOnWithdrawal``: `sensitive: true` ones, unless marked
        /// `on_withdrawal: keep`).
        case sensitive
        /// The whole response.
        case all
        /// The answers past their retention period, removed by the server's purge; what is left
        /// is what the server still holds.
        case expired
    }

    public var response: UUID
    public var scope: Scope
    public var reason: String?

    public init(response: UUID, scope: Scope, reason: String? = nil) {
        self.response = response
        self.scope = scope
        self.reason = reason
    }
}

extension Erasure.Scope {
    /// The accepted values, for an error message.
    package static let expected = #""sensitive" or "all""#
    /// Whether a device may ask for this scope: ``expired`` is the server's own.
    public var isRequestable: Bool { self != .expired }
}

// MARK: Fast reader and writer

extension Erasure {
    /// Reads a `response.erase` payload from checked JSON text, as `Codable` does.
    package init(json: JSONValue) throws(JSONShapeError) {
        let object = try json.object(["response", "scope", "reason"])
        response = try object.required("response").uuid()
        scope = try object.required("scope").raw(Scope.self, expected: Scope.expected)
        reason = try object.optional("reason")?.string()
    }

    /// Writes the payload as `JSONEncoder.wire` does.
    package func write(to json: inout JSONWriter) {
        json.raw("{")
        if let reason {
            json.raw(#""reason":"#)
            json.string(reason)
            json.byte(UInt8(ascii: ","))
        }
        json.raw(#""response":"#)
        json.uuid(response)
        json.raw(#","scope":"#)
        json.string(scope.rawValue)
        json.byte(UInt8(ascii: "}"))
    }
}
