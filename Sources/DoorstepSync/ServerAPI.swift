public import DoorstepCore
public import DoorstepWire
public import DoorstepTransport
public import Foundation

/// The Doorstep server's HTTP API as typed calls over the libcurl transport.
///
/// Every call sends the bearer token and maps the answer: 2xx decoded, 401/403 to
/// ``SyncError/unauthorized(message:)`` / ``SyncError/forbidden(message:)``, other 4xx to
/// ``SyncError/refused(status:message:)`` or ``SyncError/notFound(message:)``, 429 to
/// ``SyncError/rateLimited(message:)``, 5xx and transient
/// transport failures (after the retries of ``retry``) to ``SyncError/serverUnavailable(status:message:)``
/// and ``SyncError/unreachable(_:)``. The routes are documented in `docs/sync-protocol.md`.
public struct ServerAPI: Sendable {
    /// The server's base URL, such as `https://doorstep.example.org`.
    public let server: URL
    private let token: String
    private let transport: HTTPClient
    /// How requests that are safe to repeat are retried.
    public let retry: RetryPolicy

    /// Creates the API client.
    /// - Parameters:
    ///   - server: the base URL.
    ///   - token: the bearer token.
    ///   - transport: the HTTP client (its configuration holds the CA file and timeouts).
    ///   - retry: the retry policy for idempotent requests.
    public init(server: URL, token: String, transport: HTTPClient, retry: RetryPolicy = .standard) {
        self.server = server
        self.token = token
        self.transport = transport
        self.retry = retry
    }

    /// `GET /v1/whoami`: checks the token and learns the role, the epoch and the server's clock.
    /// - Parameter retry: How to retry, instead of ``retry``.
    public func whoami(retry: RetryPolicy? = nil) async throws(SyncError) -> ServerIdentity {
        try decode(ServerIdentity.self, from: await send(.get, "/v1/whoami", retry: retry))
    }

    /// `GET /v1/forms`: every published form version (an agency's laptop labels its follow-ups with them).
    public func forms() async throws(SyncError) -> [PublishedForm] {
        try decode([PublishedForm].self, from: await send(.get, "/v1/forms"))
    }

    /// `GET /v1/campaigns`: the days of action the server knows, with their walk lists.
    public func campaigns() async throws(SyncError) -> [CampaignInfo] {
        try decode([CampaignInfo].self, from: await send(.get, "/v1/campaigns"))
    }

    /// `POST /v1/push`: one batch; safe to retry, as the server applies each operation id once.
    /// - Parameter body: the encoded ``PushRequest``.
    public func push(encoded body: Data) async throws(SyncError) -> PushResponse {
        try decode(PushResponse.self, from: await send(.post, "/v1/push", body: body))
    }

    /// `GET /v1/pull`: the page after `cursor`.
    /// - Parameter device: This device's id, so the server leaves out the knocks and responses this
    ///   device sent that nothing changed since (it holds them already).
    public func pull(cursor: Int64, limit: Int, device: String? = nil) async throws(SyncError) -> PullResponse {
        var query = [("cursor", String(cursor)), ("limit", String(limit))]
        if let device { query.append(("device", device)) }
        let body = try await send(.get, "/v1/pull", query: query)
        do {
            return try PullResponse.decode(json: body)
        } catch {
            throw .badAnswer("\(error)")
        }
    }

    /// `GET /v1/followups` (agency tokens): every follow-up routed to the token's agency, its
    /// sealed answers as stored.
    public func followUps() async throws(SyncError) -> FollowUpList {
        try decode(FollowUpList.self, from: await send(.get, "/v1/followups"))
    }

    /// `GET /v1/conflicts`: values kept because they were overwritten concurrently.
    public func conflicts(campaign: String?) async throws(SyncError) -> [ConflictInfo] {
        try decode([ConflictInfo].self, from: await send(.get, "/v1/conflicts", query: campaign.map { [("campaign", $0)] } ?? []))
    }

    /// `POST /v1/conflicts/{id}/resolve`: settles a conflict with `value` (`nil` clears the field).
    /// Not retried: a repeated resolution would write the value twice.
    /// - Returns: the server's answer body, as JSON.
    public func resolve(conflict id: String, value: AnswerValue?) async throws(SyncError) -> Data {
        let body = try encode(Resolution(value: value))
        return try await send(.post, "/v1/conflicts/\(Self.pathComponent(id))/resolve", body: body, retry: .never)
    }

    /// `GET /v1/campaigns/{id}/export?format=csv|json`: every response of a campaign (audited).
    public func export(campaign: String, format: String) async throws(SyncError) -> Data {
        try await send(.get, "/v1/campaigns/\(Self.pathComponent(campaign))/export", query: [("format", format)])
    }

    /// `GET /v1/campaigns/{id}/aggregates[?format=csv]`: a campaign's tallies.
    public func aggregates(campaign: String, format: String) async throws(SyncError) -> Data {
        try await send(
            .get, "/v1/campaigns/\(Self.pathComponent(campaign))/aggregates",
            query: format == "json" ? [] : [("format", format)]
        )
    }

    /// `GET /v1/campaigns/{id}/progress`: the organisers' live view of a campaign.
    public func progress(campaign: String) async throws(SyncError) -> CampaignProgress {
        try decode(CampaignProgress.self, from: await send(.get, "/v1/campaigns/\(Self.pathComponent(campaign))/progress"))
    }

    /// `POST /v1/campaigns/{id}/live-link`: a link to the live page for a browser, without a token;
    /// not retried (each call makes a new link).
    /// - Returns: the full URL to open and when it stops working (ISO 8601).
    public func liveLink(campaign: String) async throws(SyncError) -> (url: String, expiresAt: String) {
        struct Link: Decodable {
            var url: String
            var expiresAt: String
            private enum CodingKeys: String, CodingKey { case url, expiresAt = "expires_at" }
        }
        let link = try decode(
            Link.self, from: await send(.post, "/v1/campaigns/\(Self.pathComponent(campaign))/live-link", retry: .never)
        )
        var base = server.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        return (base + link.url, link.expiresAt)
    }

    /// `GET /v1/campaigns/{id}/report[?compare=ID2][&text=include]`: the organisers' HTML report,
    /// listing what residents typed when `freeText` is set.
    public func report(
        campaign: String, compare: String?, freeText: Bool = false, mapAnswer: String? = nil, language: String? = nil
    ) async throws(SyncError) -> Data {
        var query = compare.map { [("compare", $0)] } ?? []
        if freeText { query.append(("text", "include")) }
        if let mapAnswer { query.append(("map", mapAnswer)) }
        if let language { query.append(("language", language)) }
        return try await send(.get, "/v1/campaigns/\(Self.pathComponent(campaign))/report", query: query)
    }

    // MARK: Plumbing

    private static func pathComponent(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? text
    }

    private func url(_ path: String, query: [(String, String)]) -> URL {
        var base = server.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        var components = URLComponents(string: base + path)!
        if !query.isEmpty { components.queryItems = query.map { URLQueryItem(name: $0.0, value: $0.1) } }
        return components.url!
    }

    /// Sends one request and returns the body of a 2xx answer, or throws the mapped error.
    private func send(
        _ method: HTTPMethod, _ path: String, query: [(String, String)] = [], body: Data? = nil, retry: RetryPolicy? = nil
    ) async throws(SyncError) -> Data {
        var headers: [(name: String, value: String)] = [("Authorization", "Bearer \(token)"), ("Accept", "application/json")]
        if body != nil { headers.append(("Content-Type", "application/json")) }
        let request = HTTPRequest(method: method, url: url(path, query: query), headers: headers, body: body)
        let response: HTTPResponse
        do {
            response = try await transport.send(request, retry: retry ?? self.retry)
        } catch let error as TransportError {
            throw error.isTransient ? .unreachable(error) : .connectionRefused(error)
        } catch {
            throw .unreachable(.failed(host: server.absoluteString, code: 42, detail: "cancelled"))
        }
        if response.isSuccess { return response.body }
        let message = (try? JSONDecoder().decode(ErrorBody.self, from: response.body))?.message
            ?? "HTTP \(response.status) from \(server.absoluteString)\(path)"
        switch response.status {
        case 401: throw .unauthorized(message: message)
        case 403: throw .forbidden(message: message)
        case 404: throw .notFound(message: message)
        case 429: throw .rateLimited(message: message)
        case 500...: throw .serverUnavailable(status: response.status, message: message)
        default: throw .refused(status: response.status, message: message)
        }
    }

    private func decode<Value: Decodable>(_ type: Value.Type, from data: Data) throws(SyncError) -> Value {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch {
            throw .badAnswer("\(error)")
        }
    }

    private func encode(_ value: some Encodable) throws(SyncError) -> Data {
        do {
            return try JSONEncoder.wire.encode(value)
        } catch {
            throw .badAnswer("\(error)")
        }
    }
}
