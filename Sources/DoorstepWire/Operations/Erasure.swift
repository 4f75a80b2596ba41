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
