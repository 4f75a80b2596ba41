import DoorstepCore
import Foundation
import GRDB
public import Hummingbird

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
    }

    /// `GET /v1/whoami`.
    struct WhoAmI: Codable {
        var name: String
        var role: Role
        var epoch: String
        var serverTime: HLCTimestamp

        private enum CodingKeys: String, CodingKey {
            case name, role, epoch
            case serverTime = "server_time"
        }
    }

    @Sendable func whoami(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireRole(in: Set(Role.allCases))
        let epoch = try await database.writer.read { db in try ServerDatabase.epoch(db) }
        return .json(WhoAmI(name: identity.name, role: identity.role, epoch: epoch, serverTime: database.clock.tick()))
    }

    @Sendable func forms(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireRole(in: Set(Role.allCases))
        return .json(try await database.publishedForms())
    }

    @Sendable func campaigns(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireRole(in: Set(Role.allCases))
        return .json(try await database.campaigns())
    }
}
