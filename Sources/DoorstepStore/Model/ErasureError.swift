import DoorstepCore
public import DoorstepWire
public import Foundation

/// Why an erasure was refused. Each case reads as one sentence.
public enum ErasureError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The response was already erased with `scope`, which covers what was asked; nothing changed.
    case alreadyErased(UUID, scope: Erasure.Scope)
    /// The scope is the server's own (``Erasure/Scope/expired``, its purge): a device never asks for it.
    case notRequestable(Erasure.Scope)

    public var description: String {
        switch self {
        case .alreadyErased(let id, .all):
            "Response \(id.lowercasedString) was already erased in full; there is nothing left to remove."
        case .alreadyErased(let id, .sensitive):
            "The personal answers of response \(id.lowercasedString) were already erased; erase it whole with doorstep erase --all."
        case .alreadyErased(let id, .expired):
            "Answers of response \(id.lowercasedString) were purged at the end of their retention period; erase the rest with doorstep erase --all."
        case .notRequestable(let scope):
            "An erasure of scope \(scope.rawValue) is the server's, made when answers reach the end of their retention period; erase the personal answers, or all of them."
        }
    }
}
