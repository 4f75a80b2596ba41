import DoorstepCore
import DoorstepWire
import Foundation

/// A push body whose JSON has been checked whole, with where its device and operations sit.
///
/// Checking the syntax of the whole body (see ``JSONScanner``) and the shape of its root comes
/// first, so a body that breaks anywhere is refused before any of it is applied. Each operation is
/// then read on its own (``operation(_:in:)``), so reading can overlap with applying the ones before.
struct PushBody: Sendable {
    /// The device named at the root.
    let device: String
    /// Where each operation's JSON sits.
    let operations: [Range<Int>]
    /// Whether each operation's text can be kept as received: the root holds no other array whose
    /// elements could be mistaken for operations.
    let keepsTexts: Bool
    /// Each operation's id as it will be read, so the log can be searched for them all before
    /// the operations are read; `nil` where it is not a UUID (the operation then cannot be read).
    let ids: [UUID?]
    /// How many operations the body holds.
    var count: Int { operations.count }

    /// Checks the JSON of `bytes` (a name repeated within an object is refused) and the shape of its root.
    ///
    /// - Parameters:
    ///   - bytes: The body.
    /// - Throws: ``APIError/badRequest(_:)`` naming where the body goes wrong.
    init(checking bytes: UnsafeBufferPointer<UInt8>) throws(APIError) {
        let layout: JSONScanner.Layout
        do {
            layout = try JSONScanner.scan(bytes, rejectingRepeatedKeys: true)
        } catch {
            throw error.requestError
        }
        let root = PushRequestReader.Value(bytes, at: layout.root, path: "")
        do throws(PushRequestReader.ShapeError) {
            guard root.kind == .object else { throw root.fail("an object") }
            let deviceNode = try root.member(layout.members["device"].flatMap { Self.notNull($0, bytes) }, "device")
            device = try deviceNode.string()
            let operationsNode = try root.member(layout.members["operations"].flatMap { Self.notNull($0, bytes) }, "operations")
            guard operationsNode.kind == .array, let ranges = layout.elements[operationsNode.start] else {
                throw operationsNode.fail("an array")
            }
            operations = ranges
            keepsTexts = layout.elementCount == ranges.count
            ids = ranges.map { range in
                layout.ids[range.lowerBound].flatMap { offset in try? PushRequestReader.Value(bytes, at: offset, path: "").uuid() }
            }
        } catch {
            throw APIError.badRequest(error.message)
        }
    }

    private static func notNull(_ offset: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var reader = JSONReader(bytes, at: offset)
        return reader.kind() == .null ? nil : offset
    }

    /// Reads operation `index` from `bytes`, the body this was checked from.
    ///
    /// - Throws: ``PushRequestReader/ShapeError`` naming where the operation goes wrong.
    func operation(_ index: Int, in bytes: UnsafeBufferPointer<UInt8>) throws(PushRequestReader.ShapeError) -> SyncOperation {
        try PushRequestReader.operation(
            PushRequestReader.Value(bytes, at: operations[index].lowerBound, path: "operations[\(index)]"), recordedAt: .anyTime
        )
    }

    /// Operation `index`'s JSON text exactly as the device sent it.
    func text(_ index: Int, in bytes: UnsafeBufferPointer<UInt8>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[operations[index]]), as: UTF8.self)
    }
}

extension JSONSyntaxError {
    /// The 400 answer to a request body with this fault.
    var requestError: APIError {
        .badRequest("The request body is not valid JSON: \(message) (at byte \(offset)).")
    }
}
