import DoorstepCore
import DoorstepWire
import Foundation
public import Hummingbird
import Logging
import NIOCore

extension Response {
    /// A JSON response with `value` as its body.
    ///
    /// A value that cannot be encoded (a figure that is not finite, say) is a server fault: the
    /// answer is then the 500 of ``APIError/internalError(_:)``, never a 2xx with an error body.
    /// - Parameters:
    ///   - value: What to encode, with its own `CodingKeys` (snake_case on the wire).
    ///   - status: The HTTP status; 200 unless told.
    public static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = jsonContentType
        do {
            return Response(status: status, headers: headers, body: .init(byteBuffer: try encodedJSON(value)))
        } catch {
            Logger(label: "doorstep-server").error("An answer could not be encoded as JSON: \(String(reflecting: error))")
            let failure = APIError.internalError("The server could not encode its answer; see its log.")
            return Response(
                status: failure.status, headers: headers, body: .init(byteBuffer: errorJSON(failure))
            )
        }
    }

    /// The `Content-Type` of every JSON answer.
    static let jsonContentType = "application/json; charset=utf-8"

    /// `value` as JSON bytes, keys sorted.
    ///
    /// - Throws: `EncodingError` for a value JSON cannot hold, such as a number that is not finite.
    static func encodedJSON(_ value: some Encodable) throws -> ByteBuffer {
        ByteBuffer(bytes: try JSONEncoder.wire.encode(value))
    }

    /// The JSON body of `error`: ``DoorstepCore/ErrorBody``, which always encodes.
    static func errorJSON(_ error: APIError) -> ByteBuffer {
        let body = ErrorBody(error: error.code, message: error.message)
        return (try? encodedJSON(body)) ?? ByteBuffer(string: #"{"error":"internal","message":"The server failed."}"#)
    }
}

extension Request {
    /// Reads the body (at most ``AppRequestContext/maximumBodySize`` bytes) and decodes it as JSON.
    ///
    /// The text is checked first as a push body is (``JSONScanner``), so a name repeated within an
    /// object is refused here as there, rather than read as its last value.
    /// - Throws: ``APIError`` 413 when the body is too large, 400 when it is not JSON of `type`'s shape.
    public func decodeJSON<Value: Decodable>(as type: Value.Type, context: some RequestContext) async throws -> Value {
        let buffer = try await collectJSONBody(context: context)
        let fault = buffer.withUnsafeReadableBytes { raw -> JSONSyntaxError? in
            do throws(JSONSyntaxError) {
                _ = try JSONScanner.check(JSONBytes(raw.assumingMemoryBound(to: UInt8.self)), rejectingRepeatedKeys: true)
                return nil
            } catch {
                return error
            }
        }
        if let fault { throw fault.requestError }
        do {
            return try JSONDecoder().decode(type, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw APIError.badRequest(Self.describe(error))
        } catch {
            throw APIError.badRequest("The request body is not valid JSON.")
        }
    }

    /// Reads the whole body, at most the context's `maxUploadSize` bytes, once it is declared JSON.
    ///
    /// - Throws: ``APIError`` 415 when the body is not declared `application/json` (checked before
    ///   any of it is read), 413 when it is larger than the limit, 400 when its HTTP framing is broken
    ///   or the connection fails while it is read.
    func collectJSONBody(context: some RequestContext) async throws -> ByteBuffer {
        try requireJSONContentType()
        do {
            return try await body.collect(upTo: context.maxUploadSize)
        } catch is NIOTooManyBytesError {
            throw APIError.bodyTooLarge(limit: context.maxUploadSize)
        } catch {
            // Reading a body fails only because of the connection: broken framing, a reset, a close.
            throw APIError.malformedRequest(for: error)
                ?? APIError(status: .badRequest, code: "bad_request", message: "The connection failed while the request body was read.", closesConnection: true)
        }
    }

    /// Refuses a body that is not declared as JSON in UTF-8.
    ///
    /// `application/json` (any case, with `charset=utf-8` or no charset) is accepted. A request
    /// without `Content-Type` passes only when it has no body, so that an empty body is reported as
    /// not being JSON (400) rather than as the wrong type.
    ///
    /// - Throws: ``APIError/unsupportedMediaType(_:)`` naming `application/json`.
    func requireJSONContentType() throws {
        guard let declared = headers[.contentType] else {
            let hasBody = headers[.contentLength].map { $0.trimmingCharacters(in: .whitespaces) != "0" }
                ?? (headers[.transferEncoding] != nil)
            guard !hasBody else {
                throw APIError.unsupportedMediaType("The request body has no Content-Type; send it as application/json.")
            }
            return
        }
        let parts = declared.split(separator: ";", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        let mediaType = parts[0]
        guard mediaType.lowercased() == "application/json" else {
            let named = mediaType.isEmpty ? "an empty Content-Type" : String(mediaType.prefix(100))
            throw APIError.unsupportedMediaType("The request body is declared as \(named); send it as application/json.")
        }
        for parameter in parts.dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair[0].lowercased() == "charset" else { continue }
            let charset = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")).lowercased()
            guard charset == "utf-8" else {
                throw APIError.unsupportedMediaType("The request body is declared in \(charset.prefix(40)); send it as application/json in UTF-8.")
            }
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

extension JSONSyntaxError {
    /// The 400 answer to a request body with this fault.
    var requestError: APIError {
        .badRequest("The request body is not valid JSON: \(message) (at byte \(offset)).")
    }
}
