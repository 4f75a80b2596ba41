public import Foundation

extension JSONEncoder {
    /// The one JSON encoding of Doorstep's wire and stored values: keys sorted, so equal values
    /// give equal text (stored rows compare, signatures and snapshots stay stable), and `/` left
    /// as it is. Keys are written as the types' coding keys say (snake_case on the wire).
    public static var wire: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
