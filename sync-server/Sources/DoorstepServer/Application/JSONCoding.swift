import Foundation
public import Hummingbird
import NIOCore

extension Response {
    /// A JSON response with `value` as its body.
    ///
    /// - Parameters:
    ///   - value: What to encode, with its own `CodingKeys` (snake_case on the wire).
    ///   - status: The HTTP status; 200 unless told.
    public static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(value)) ?? Data(#"{"error":"internal","message":"The server could not encode its answer."}"#.utf8)
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension Request {
    /// Reads the body (at most ``AppRequestContext/maximumBodySize`` bytes) and decodes it as JSON.
    ///
    /// - Throws: ``APIError`` 413 when the body is too large, 400 when it is not JSON of `type`'s shape.
    public func decodeJSON<Value: Decodable>(as type: Value.Type, context: some RequestContext) async throws -> Value {
        let buffer = try await collectJSONBody(context: context)
        do {
            return try JSONDecoder().decode(type, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw APIError.badRequest(Self.describe(error))
        } catch {
            throw APIError.badRequest("The request body is not valid JSON.")
        }
    }

    /// Reads the whole body, at most the context's `maxUploadSize` bytes.
    ///
    /// - Throws: ``APIError`` 413 when the body is larger.
    func collectJSONBody(context: some RequestContext) async throws -> ByteBuffer {
        do {
            return try await body.collect(upTo: context.maxUploadSize)
        } catch {
            throw APIError.payloadTooLarge(
                "The request body is larger than the server's limit of \(context.maxUploadSize / 1_048_576) MiB."
            )
        }
    }

    /// One sentence naming where the JSON went wrong.
    static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            let text = codingPath.map { key in key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)" }.joined()
            return text.isEmpty ? "the body" : String(text.drop { $0 == "." })
        }
        switch error {
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return "The request body is not valid JSON." }
            return "The value at \(path(context.codingPath)) is invalid: \(context.debugDescription)"
        case .keyNotFound(let key, let context):
            return "The key \(path(context.codingPath + [key])) is missing."
        case .valueNotFound(_, let context):
            return "The value at \(path(context.codingPath)) is missing."
        case .typeMismatch(let type, let context):
            return "The value at \(path(context.codingPath)) has the wrong type; expected \(type)."
        @unknown default:
            return "The request body is not valid JSON of the expected shape."
        }
    }
}
