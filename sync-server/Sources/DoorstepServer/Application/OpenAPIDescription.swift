import Hummingbird
import NIOCore

/// `GET /openapi.yaml`: the OpenAPI 3.1 description of the API, served without a token.
///
/// The file is embedded in the binary (`.embedInCode` in `Package.swift`), so a server installed
/// as one executable serves it with no resource bundle beside it. Its source is
/// `docs/openapi.yaml`; `OpenAPIDescriptionTests` holds the embedded copy to it byte for byte.
enum OpenAPIDescription {
    /// The media type of YAML ([RFC 9512](https://www.rfc-editor.org/rfc/rfc9512)).
    static let contentType = "application/yaml"

    /// Answers with the description.
    @Sendable static func respond(_ request: Request, context: AppRequestContext) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: PackageResources.openapi_yaml)))
    }
}
