import DoorstepCore
import DoorstepWire
import DoorstepSealing
import DoorstepServer
import DoorstepTestSupport
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore

/// A data directory with a published test form, a campaign of three doors and one token per role.
struct ServerFixture {
    static let formYAML = """
        id: survey
        version: 1
        title: Test survey
        questions:
          - name: safe
            type: select_one scale
            label: How safe do you feel?
            required: true
          - name: worries
            type: select_multiple worry
            label: What worries you?
          - name: age
            type: integer
            label: Age
          - name: comment
            type: text
            label: Anything else?
          - name: phone
            type: text
            label: Phone number
            sensitive: true
        choices:
          scale:
            - name: very
              label: Very safe
            - name: fairly
              label: Fairly safe
            - name: not
              label: Not safe
          worry:
            - name: drugs
              label: Drug dealing
            - name: fires
              label: Fires
        """

    static let campaign = "day1"

    let directory: TemporaryDirectory
    let database: ServerDatabase
    let configuration: ServerConfiguration
    /// One live token per role, plus a second collector.
    let tokens: [Role: String]
    let secondCollector: String

    /// Which store a fixture keeps its data in.
    enum Store {
        /// The tests' store (``TestStore``): SQLite, or PostgreSQL on the second pass.
        case tests
        /// The embedded SQLite store, on either pass.
        case embeddedOnly
    }

    init(maxBatchSize: Int = 5_000, maxClockDrift: Duration = .seconds(300), store: Store = .tests) throws {
        directory = try TemporaryDirectory("server")
        let location: StoreLocation = store == .tests ? try .forTest(directory.url) : .embedded(directory.url)
        database = try ServerDatabase(location: location)
        configuration = ServerConfiguration(
            port: 0, store: location, maxClockDrift: maxClockDrift, maxBatchSize: maxBatchSize,
            logLevel: .critical
        )
        try database.publishForm(source: Self.formYAML)
        try database.createCampaign(
            id: Self.campaign, name: "Day of action", form: "survey", addresses: [
                WalkListAddress(id: "a1", address: "1 High Street", street: "High Street", area: "West"),
                WalkListAddress(id: "a2", address: "2 High Street", street: "High Street", area: "West"),
                WalkListAddress(id: "a3", address: "3 Mill Lane", street: "Mill Lane", area: "East"),
            ]
        )
        // The partnership's fire service, whose agency token the fixture hands out.
        try database.addAgency(id: Self.agency, name: "Fire and rescue", key: Self.agencyKeyring.currentPublicKey)
        var tokens: [Role: String] = [:]
        for role in Role.allCases {
            tokens[role] = try database.createToken(
                name: "\(role.rawValue)-1", role: role, agency: role == .agency ? Self.agency : nil
            ).token
        }
        self.tokens = tokens
        secondCollector = try database.createToken(name: "collector-2", role: .collector).token
    }

    func token(_ role: Role) -> String { tokens[role]! }

    /// The agency the fixture's agency token acts for.
    static let agency = "fire"
    /// The agency's keys, made once for every fixture.
    static let agencyKeyring = try! AgencyKeyring.generate(agency: agency, created: "2026-12-04T00:00:00Z")

    var app: some ApplicationProtocol {
        get throws { try buildApplication(configuration: configuration, database: database) }
    }

    /// Counts the rows of a table.
    func count(_ table: String, where condition: String = "TRUE") throws -> Int {
        try database.store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table) WHERE \(condition)") ?? 0 }
    }
}

/// Builders for operations with stamps near the server's wall clock.
enum Ops {
    /// A stamp `offset` milliseconds after a fixed point one minute in the past.
    static func stamp(_ offset: Int64, _ node: String, counter: Int = 0) -> HLCTimestamp {
        HLCTimestamp(physical: base + offset, counter: counter, node: node)
    }

    static let base = Int64(Date().timeIntervalSince1970 * 1_000) - 60_000

    static func create(
        _ response: UUID, address: String = "a1", answers: Answers, stamp: HLCTimestamp, id: UUID = UUID(),
        form: String = "survey", version: String = "1", campaign: String = ServerFixture.campaign
    ) -> SyncOperation {
        SyncOperation(
            id: id, stamp: stamp, device: stamp.node,
            body: .createResponse(NewResponse(
                response: response, campaign: campaign, address: address, form: form, formVersion: version,
                recordedAt: "2026-11-01T10:00:00Z", answers: answers
            ))
        )
    }

    static func update(_ response: UUID, _ fields: [FieldChange], stamp: HLCTimestamp, id: UUID = UUID()) -> SyncOperation {
        SyncOperation(id: id, stamp: stamp, device: stamp.node, body: .updateResponse(ResponseUpdate(response: response, fields: fields)))
    }

    static func visit(
        campaign: String = ServerFixture.campaign, address: String = "a1", outcome: VisitOutcome = .noAnswer, stamp: HLCTimestamp
    ) -> SyncOperation {
        SyncOperation(
            stamp: stamp, device: stamp.node,
            body: .recordVisit(Visit(
                visit: UUID(), campaign: campaign, address: address, outcome: outcome, note: nil,
                at: "2026-11-01T10:00:00Z"
            ))
        )
    }

    static func erase(_ response: UUID, scope: Erasure.Scope, stamp: HLCTimestamp) -> SyncOperation {
        SyncOperation(stamp: stamp, device: stamp.node, body: .eraseResponse(Erasure(response: response, scope: scope)))
    }
}

/// JSON requests and decoding for router tests.
extension TestClientProtocol {
    @discardableResult
    func send(
        _ method: HTTPRequest.Method, _ uri: String, token: String?, body: String? = nil
    ) async throws -> TestResponse {
        var headers = HTTPFields()
        if let token { headers[.authorization] = "Bearer \(token)" }
        if body != nil { headers[.contentType] = "application/json" }
        return try await execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
    }

    func send(_ method: HTTPRequest.Method, _ uri: String, token: String?, json: some Encodable) async throws -> TestResponse {
        let data = try JSONEncoder().encode(json)
        return try await send(method, uri, token: token, body: String(decoding: data, as: UTF8.self))
    }

    func push(_ operations: [SyncOperation], token: String, device: String = "device-a") async throws -> PushResponse {
        let response = try await send(.post, "/v1/push", token: token, json: PushRequest(device: device, operations: operations))
        guard response.status == .ok else { throw UnexpectedStatus(response: response) }
        return try response.decode(PushResponse.self)
    }

    func pullAll(token: String, limit: Int = 1_000) async throws -> (pages: [PullResponse], cursor: Int64) {
        var cursor: Int64 = 0
        var pages: [PullResponse] = []
        for _ in 0..<1_000 {
            let response = try await send(.get, "/v1/pull?cursor=\(cursor)&limit=\(limit)", token: token)
            guard response.status == .ok else { throw UnexpectedStatus(response: response) }
            let page = try response.decode(PullResponse.self)
            pages.append(page)
            cursor = page.cursor
            if !page.more { break }
        }
        return (pages, cursor)
    }
}

struct UnexpectedStatus: Error, CustomStringConvertible {
    let response: TestResponse
    var description: String { "\(response.status): \(String(buffer: response.body))" }
}

extension TestResponse {
    func decode<Value: Decodable>(_ type: Value.Type) throws -> Value {
        try JSONDecoder().decode(type, from: Data(body.readableBytesView))
    }

    var errorBody: ErrorBody? { try? decode(ErrorBody.self) }
}

extension StoreLocation {
    /// The store that stands for a test's data directory: the directory's embedded store, or a
    /// PostgreSQL database of its own when the tests run on PostgreSQL (``TestStore``).
    static func forTest(_ directory: URL) throws -> StoreLocation {
        guard TestStore.isPostgres else { return .embedded(directory) }
        return .postgres(try PostgresLocation(url: TestStore.databaseURL(forData: directory.path)))
    }
}

extension ServerDatabase {
    /// Opens the store that stands for a test's data directory (``StoreLocation/forTest(_:)``).
    static func forTest(_ directory: URL) throws -> ServerDatabase {
        try ServerDatabase(location: .forTest(directory))
    }
}
