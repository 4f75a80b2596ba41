import DoorstepCore
import Foundation

/// Builds a ``DoorstepCore/PushRequest`` from parsed JSON, with the same shape and rules as the
/// wire types' `Codable` conformances (see `docs/sync-protocol.md`), and a precise 400 message
/// naming the path of the first faulty value.
enum PushRequestReader {
    /// Parses and reads a push body.
    ///
    /// - Returns: The request, and each operation's JSON text exactly as the device sent it (for
    ///   the operation log).
    /// - Throws: ``APIError/badRequest(_:)`` naming where the body goes wrong.
    static func read(_ bytes: UnsafeBufferPointer<UInt8>) throws -> (request: PushRequest, texts: [String]) {
        let parsed: (value: JSONValue, elementRanges: [Range<Int>])
        do {
            parsed = try JSONParser.parseKeepingElementText(bytes)
        } catch {
            throw APIError.badRequest("The request body is not valid JSON: \(error.message) (at byte \(error.offset)).")
        }
        let request: PushRequest
        do {
            request = try pushRequest(Node(parsed.value, path: ""))
        } catch let error as ShapeError {
            throw APIError.badRequest(error.message)
        }
        let texts = parsed.elementRanges.map { String(decoding: UnsafeBufferPointer(rebasing: bytes[$0]), as: UTF8.self) }
        return (request, texts.count == request.operations.count ? texts : [])
    }

    /// Reads one operation from its JSON text, as stored in the operation log.
    static func operation(text: String) -> SyncOperation? {
        var utf8 = text
        return utf8.withUTF8 { bytes in
            guard let value = try? JSONParser.parse(bytes) else { return nil }
            return try? operation(Node(value, path: ""))
        }
    }

    /// A faulty value, with the path where it sits.
    struct ShapeError: Error {
        var message: String
    }

    /// A JSON value and where it sits in the document.
    struct Node {
        var value: JSONValue
        var path: String

        init(_ value: JSONValue, path: String) {
            self.value = value
            self.path = path
        }

        private var place: String { path.isEmpty ? "the body" : path }

        func fail(_ expected: String) -> ShapeError {
            ShapeError(message: "The value at \(place) has the wrong type; expected \(expected), found \(value.kind).")
        }

        func object() throws -> [String: JSONValue] {
            guard case .object(let members) = value else { throw fail("an object") }
            return members
        }

        func array() throws -> [Node] {
            guard case .array(let elements) = value else { throw fail("an array") }
            return elements.enumerated().map { Node($1, path: "\(path)[\($0)]") }
        }

        func string() throws -> String {
            guard case .string(let text) = value else { throw fail("a string") }
            return text
        }

        func bool() throws -> Bool {
            guard case .bool(let flag) = value else { throw fail("a boolean") }
            return flag
        }

        func uuid() throws -> UUID {
            guard case .string(let text) = value, let uuid = UUID(uuidString: text) else { throw fail("a UUID string") }
            return uuid
        }

        func stamp() throws -> HLCTimestamp {
            guard case .string(let text) = value, let stamp = HLCTimestamp(text) else { throw fail("a clock stamp string") }
            return stamp
        }

        func answer() throws -> AnswerValue {
            switch value {
            case .integer(let int): return .integer(int)
            case .number(let double): return .decimal(double)
            case .string(let text): return .text(text)
            case .array(let elements):
                var list: [String] = []
                list.reserveCapacity(elements.count)
                for element in elements {
                    guard case .string(let text) = element else { throw fail("an answer: a string, a number or an array of strings") }
                    list.append(text)
                }
                return .list(list)
            default:
                throw fail("an answer: a string, a number or an array of strings")
            }
        }

        /// The member `key`; missing (or `null` when `allowingNull` is false) is an error.
        func member(_ key: String) throws -> Node {
            let members = try object()
            guard let member = members[key], member != .null else {
                throw ShapeError(message: "The key \(path.isEmpty ? key : "\(path).\(key)") is missing.")
            }
            return Node(member, path: path.isEmpty ? key : "\(path).\(key)")
        }

        /// The member `key`, or `nil` when it is absent or `null`.
        func optionalMember(_ key: String) throws -> Node? {
            let members = try object()
            guard let member = members[key], member != .null else { return nil }
            return Node(member, path: path.isEmpty ? key : "\(path).\(key)")
        }
    }

    static func pushRequest(_ node: Node) throws -> PushRequest {
        PushRequest(
            device: try node.member("device").string(),
            operations: try node.member("operations").array().map(operation)
        )
    }

    static func operation(_ node: Node) throws -> SyncOperation {
        let id = try node.member("id").uuid()
        let stamp = try node.member("stamp").stamp()
        let device = try node.member("device").string()
        let typeNode = try node.member("type")
        let payload = try node.member("payload")
        let body: SyncOperation.Body
        switch try typeNode.string() {
        case "response.create": body = .createResponse(try newResponse(payload))
        case "response.update": body = .updateResponse(try responseUpdate(payload))
        case "visit": body = .recordVisit(try visit(payload))
        case "response.erase": body = .eraseResponse(try erasure(payload))
        case let other:
            throw ShapeError(message: "The value at \(typeNode.path) is invalid: Unknown operation type \"\(other)\".")
        }
        return SyncOperation(id: id, stamp: stamp, device: device, body: body)
    }

    static func newResponse(_ node: Node) throws -> NewResponse {
        let answersNode = try node.member("answers")
        var answers: Answers = [:]
        for (name, value) in try answersNode.object() {
            answers[name] = try Node(value, path: "\(answersNode.path).\(name)").answer()
        }
        return NewResponse(
            response: try node.member("response").uuid(),
            campaign: try node.member("campaign").string(),
            address: try node.member("address").string(),
            form: try node.member("form").string(),
            formVersion: try node.member("form_version").string(),
            recordedAt: try node.member("recorded_at").string(),
            answers: answers,
            safeguarding: try node.optionalMember("safeguarding")?.bool() ?? false,
            erased: try node.optionalMember("erased").map { try erasureScope($0) }
        )
    }

    static func responseUpdate(_ node: Node) throws -> ResponseUpdate {
        ResponseUpdate(
            response: try node.member("response").uuid(),
            fields: try node.member("fields").array().map { field in
                FieldChange(
                    name: try field.member("name").string(),
                    value: try field.optionalMember("value")?.answer(),
                    base: try field.optionalMember("base")?.stamp(),
                    resolves: try field.optionalMember("resolves")?.array().map { try $0.stamp() } ?? []
                )
            }
        )
    }

    static func visit(_ node: Node) throws -> Visit {
        let outcomeNode = try node.member("outcome")
        guard let outcome = VisitOutcome(rawValue: try outcomeNode.string()) else {
            throw outcomeNode.fail("one of " + VisitOutcome.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return Visit(
            visit: try node.member("visit").uuid(),
            campaign: try node.member("campaign").string(),
            address: try node.member("address").string(),
            outcome: outcome,
            note: try node.optionalMember("note")?.string(),
            at: try node.member("at").string()
        )
    }

    static func erasure(_ node: Node) throws -> Erasure {
        Erasure(
            response: try node.member("response").uuid(),
            scope: try erasureScope(node.member("scope")),
            reason: try node.optionalMember("reason")?.string()
        )
    }

    /// What an erasure removes: `"sensitive"` or `"all"`.
    static func erasureScope(_ node: Node) throws -> Erasure.Scope {
        guard let scope = Erasure.Scope(rawValue: try node.string()) else {
            throw node.fail("\"sensitive\" or \"all\"")
        }
        return scope
    }
}
