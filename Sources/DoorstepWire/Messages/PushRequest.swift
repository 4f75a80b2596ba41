package import Foundation

/// `POST /v1/push`: a batch of operations from one device.
public struct PushRequest: Codable, Sendable, Hashable {
    public var device: String
    public var operations: [SyncOperation]

    public init(device: String, operations: [SyncOperation]) {
        self.device = device
        self.operations = operations
    }
}

// MARK: Fast reader and writer

extension PushRequest {
    /// A push body as `JSONEncoder` would write it, joined from operations' JSON texts as the
    /// outbox stores them (``SyncOperation/jsonText``), without decoding them.
    package static func json(device: String, operationTexts: some Sequence<String>) -> [UInt8] {
        var json = JSONWriter(capacity: 4096)
        json.raw(#"{"device":"#)
        json.string(device)
        json.raw(#","operations":["#)
        for (index, text) in operationTexts.enumerated() {
            if index > 0 { json.byte(UInt8(ascii: ",")) }
            json.raw(text.utf8)
        }
        json.raw("]}")
        return json.bytes
    }

    /// A push body whose JSON has been checked whole, with where its device and operations sit.
    ///
    /// Checking the syntax of the whole body (see ``JSONScanner``; a name repeated within an
    /// object is refused) and the shape of its root comes first, so a body that breaks anywhere
    /// is refused before any of it is applied. Each operation is then read on its own
    /// (``operation(_:in:recordedAt:)``), so reading can overlap with applying the ones before.
    package struct Body: Sendable {
        /// The device named at the root.
        package let device: String
        /// Where each operation's JSON sits.
        package let operations: [Range<Int>]
        /// Whether each operation's text can be kept as received: the root holds no other array
        /// whose elements could be mistaken for operations.
        package let keepsTexts: Bool
        /// Each operation's id as it will be read, so the log can be searched for them all before
        /// the operations are read; `nil` where it is not a UUID (the operation then cannot be read).
        package let ids: [UUID?]
        /// How many operations the body holds.
        package var count: Int { operations.count }

        /// Checks the JSON of `text` and the shape of its root.
        ///
        /// - Throws: ``JSONShapeError`` naming where the body goes wrong (its syntax or its shape).
        package init(checking text: [UInt8]) throws(JSONShapeError) {
            (device, operations, keepsTexts, ids) = try withJSONBytes(text) { bytes throws(JSONShapeError) in
                let layout: JSONScanner.Layout
                do throws(JSONSyntaxError) {
                    layout = try JSONScanner.scan(bytes, rejectingRepeatedKeys: true)
                } catch {
                    throw JSONShapeError(message: "The request body is not valid JSON: \(error.message) (at byte \(error.offset)).")
                }
                let root = JSONValue(bytes, at: layout.root, path: "")
                guard root.kind == .object else { throw root.fail("an object") }
                func member(_ name: String) throws(JSONShapeError) -> JSONValue {
                    guard let offset = layout.members[name], JSONValue(bytes, at: offset, path: "").kind != .null else {
                        throw JSONShapeError(message: "The key \(name) is missing.")
                    }
                    return root.child(name, at: offset)
                }
                let device = try member("device").string()
                let operationsValue = try member("operations")
                guard operationsValue.kind == .array, let ranges = layout.elements[operationsValue.start] else {
                    throw operationsValue.fail("an array")
                }
                let ids = ranges.map { range in
                    layout.ids[range.lowerBound].flatMap { offset in try? JSONValue(bytes, at: offset, path: "").uuid() }
                }
                return (device, ranges, layout.elementCount == ranges.count, ids)
            }
        }

        /// Reads operation `index` from `text`, the body this was checked from.
        ///
        /// - Parameter recordedAt: What a new response's `recorded_at` must be; `nil`: anything.
        /// - Throws: ``JSONShapeError`` naming where the operation goes wrong.
        package func operation(
            _ index: Int, in text: [UInt8], recordedAt: SyncOperation.RecordedAtCheck?
        ) throws(JSONShapeError) -> SyncOperation {
            try withJSONBytes(text) { bytes throws(JSONShapeError) in
                try SyncOperation(
                    json: JSONValue(bytes, at: operations[index].lowerBound, path: "operations[\(index)]"), recordedAt: recordedAt
                )
            }
        }

        /// Operation `index`'s JSON text exactly as the device sent it.
        package func text(_ index: Int, in text: [UInt8]) -> String {
            String(decoding: text[operations[index]], as: UTF8.self)
        }
    }

    /// Checks and reads a whole push body.
    ///
    /// - Returns: The request, and each operation's JSON text exactly as the device sent it (for
    ///   the operation log); no texts when the body's layout does not tell them apart.
    /// - Throws: ``JSONShapeError`` naming where the body goes wrong.
    package static func read(
        _ text: [UInt8], recordedAt: SyncOperation.RecordedAtCheck? = nil
    ) throws(JSONShapeError) -> (request: PushRequest, texts: [String]) {
        let body = try Body(checking: text)
        var operations: [SyncOperation] = []
        operations.reserveCapacity(body.count)
        for index in 0..<body.count {
            operations.append(try body.operation(index, in: text, recordedAt: recordedAt))
        }
        let texts = body.keepsTexts ? (0..<body.count).map { body.text($0, in: text) } : []
        return (PushRequest(device: body.device, operations: operations), texts)
    }
}
