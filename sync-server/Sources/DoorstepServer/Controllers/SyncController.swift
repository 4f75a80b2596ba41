import DoorstepCore
import DoorstepWire
import Foundation
public import Hummingbird
import NIOCore

/// The sync routes: who am I, forms, campaigns, push, pull, conflicts.
public struct SyncController: Sendable {
    let database: ServerDatabase
    let configuration: ServerConfiguration

    /// Creates the controller over the server's database.
    public init(database: ServerDatabase, configuration: ServerConfiguration) {
        self.database = database
        self.configuration = configuration
    }

    /// Registers the routes on the authenticated `/v1` group.
    public func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("whoami", use: whoami)
        group.get("forms", use: forms)
        group.get("campaigns", use: campaigns)
        group.post("push", use: push)
        group.get("pull", use: pull)
        group.get("conflicts", use: conflicts)
        group.get("followups", use: followUps)
        group.post("conflicts/:id/resolve", use: resolve)
    }

    /// `GET /v1/whoami`.
    @Sendable func whoami(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireRole(in: Set(Role.allCases))
        let epoch = try await database.store.read { db in try ServerDatabase.epoch(db) }
        return .json(ServerIdentity(
            name: identity.name, role: identity.role.rawValue, agency: identity.agency, epoch: epoch,
            serverTime: database.clock.tick()
        ))
    }

    @Sendable func forms(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireRole(in: Set(Role.allCases))
        return .json(try await database.publishedForms())
    }

    /// `GET /v1/campaigns`: not for agencies, which see their follow-ups' doors only.
    @Sendable func campaigns(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireRole(.collector, .organiser, .viewer, .admin)
        return .json(try await database.campaigns().map { $0.visible(to: identity.role) })
    }

    @Sendable func push(_ request: Request, context: AppRequestContext) async throws -> Response {
        // An agency pushes follow-up outcomes only: ``ResponseAuthority`` refuses anything else.
        let identity = try context.requireRole(.collector, .organiser, .admin, .agency)
        let bytes = Array(try await request.collectJSONBody(context: context).readableBytesView)
        // The JSON is checked whole here; operations are read while the ones before are applied.
        // A `recorded_at` ahead of the clock holds its one operation (in the batch), not the push.
        let push: PushRequest.Body
        do {
            push = try PushRequest.Body(checking: bytes)
        } catch {
            throw APIError.badRequest(error.message)
        }
        if push.device.isEmpty || push.count > configuration.maxBatchSize {
            // An operation that cannot be read is the first fault to report.
            _ = try PushRequest.read(body: bytes)
        }
        guard !push.device.isEmpty else {
            throw APIError.unprocessable("The push names no device.")
        }
        guard push.count <= configuration.maxBatchSize else {
            throw APIError.payloadTooLarge(
                "The push carries \(push.count) operations; the limit is \(configuration.maxBatchSize) per request."
            )
        }
        let answer = try await database.push(push, bytes: bytes, by: identity, maxClockDrift: configuration.maxClockDrift)
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: answer.jsonBytes)))
    }

    /// `GET /v1/followups`: an agency's worklist, the follow-ups routed to its agency (optionally of one `campaign`).
    @Sendable func followUps(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireRole(.agency)
        let campaign = request.uri.queryParameters["campaign"].map(String.init)
        return .json(try await database.followUps(for: identity, campaign: campaign))
    }

    /// `GET /v1/pull`: not for viewers, who get published figures only, never doors, knocks or notes.
    @Sendable func pull(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireRole(.collector, .organiser, .admin)
        let query = request.uri.queryParameters
        var cursor: Int64 = 0
        if let text = query["cursor"] {
            guard let value = Int64(String(text)), value >= 0 else {
                throw APIError.badRequest("The cursor must be a whole number of 0 or more.")
            }
            cursor = value
        }
        var limit = 1_000
        if let text = query["limit"] {
            guard let value = Int(String(text)), value >= 1 else {
                throw APIError.badRequest("The limit must be a whole number of 1 or more.")
            }
            limit = min(value, configuration.maxPullLimit)
        }
        let device = query["device"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        let page = try await database.pullPage(after: cursor, limit: limit, for: identity, device: device)
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: page)))
    }

    /// `GET /v1/conflicts[?campaign=ID]`: the kept values are answers, so the list is audited,
    /// one entry per campaign it covers.
    @Sendable func conflicts(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireRole(.organiser, .admin)
        let campaign = request.uri.queryParameters["campaign"].map(String.init)
        let conflicts = try await database.conflicts(campaign: campaign)
        let responses = Dictionary(grouping: conflicts, by: \.campaign).mapValues { Set($0.map(\.response)).count }
        try await database.auditRead("conflicts", responses: responses, by: identity) { count in
            "Conflict list: kept values of \(count) response\(count == 1 ? "" : "s")."
        }
        return .json(conflicts)
    }

    /// `POST /v1/conflicts/{id}/resolve`.
    @Sendable func resolve(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireRole(.organiser, .admin)
        let id = try context.parameters.require("id").lowercased()
        let resolution = try await request.decodeJSON(as: Resolution.self, context: context)
        return .json(try await database.resolveConflict(id, value: resolution.value, by: identity))
    }
}
