import DoorstepCore
import DoorstepWire
import Foundation

extension ClientStore {
    /// JSON text of a stored value (answers, notes, operations), keys sorted so equal values store equally.
    static func json(_ value: some Encodable) throws -> String {
        String(decoding: try JSONEncoder.wire.encode(value), as: UTF8.self)
    }

    /// A value read back from stored JSON text.
    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(text.utf8))
        } catch {
            throw ClientStoreError.corrupt("JSON of \(T.self)")
        }
    }
}
