import DoorstepCore
import DoorstepWire
import DoorstepServer
import DoorstepTestSupport
import Foundation
import GRDB
import Testing

/// Attacks on the server's response invariants over raw HTTP, against a real `doorstep-server`
/// process: authority (who may touch a response), validity (every stored state is a valid
/// response) and the three results of a push (applied, held, rejected).
@Suite("Response invariants on every path (real server, raw HTTP)")
struct ResponseInvariantTests {
    static let formYAML = """
        id: checks
        version: 1
        title: Invariant checks
        questions:
          - name: follow_up
            type: select_one yes_no
            label: Would you like someone to follow this up?
            required: true
          - name: agency
            type: select_one agency
            label: Who should follow it up?
            relevant: ${follow_up} = 'yes'
            required: true
          - name: phone
            type: text
            label: Phone number
            sensitive: true
            constraint: regex(., '^0[0-9]{10}$')
          - name: adults
            type: integer
            label: Adults at home
            constraint: . >= 0 and . <= 20
        choices:
          yes_no:
            - name: "yes"
              label: "Yes"
            - name: "no"
              label: "No"
          agency:
            - name: police
              label: Police
            - name: council
              label: Council
        """

    /// A server with the form, a campaign of two doors, two collectors and an organiser.
    final class Scene: @unchecked Sendable {
        let directory: TemporaryDirectory
        let server: RunningServer
        let alice: String
        let bob: String
        let organiser: String
        let campaign = "day1"
        private var bodies = 0

        init() throws {
            directory = try TemporaryDirectory("invariants")
            let data = directory.path
            let form = try directory.write(ResponseInvariantTests.formYAML, to: "checks.yaml")
            let walk = try directory.write("id,address,street\na1,1 High Street,High Street\na2,2 High Street,High Street\n", to: "walk.csv")
            for arguments in [
                ["forms", "publish", "--data", data, form],
                ["campaigns", "create", "--data", data, "--id", campaign, "--name", "Day", "--form", "checks", "--addresses", walk],
            ] {
                let result = try ProcessRunner.server(arguments)
                #expect(result.status == 0, "\(result.stderr)")
            }
            func token(_ role: String, _ name: String) throws -> String {
                try ProcessRunner.server(["tokens", "create", "--data", data, "--role", role, "--name", name])
                    .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            alice = try token("collector", "alice")
            bob = try token("collector", "bob")
            organiser = try token("organiser", "org")
            server = try RunningServer(data: data)
        }

        deinit {
            server.stop()
            directory.remove()
        }

        /// Pushes `operations` with `token`; returns each operation's result.
        func push(_ operations: [SyncOperation], token: String, device: String = "laptop") throws -> [OperationResult] {
            bodies += 1
            let data = try JSONEncoder().encode(PushRequest(device: device, operations: operations))
            let file = try directory.write(String(decoding: data, as: UTF8.self), to: "push-\(bodies).json")
            let answer = try LiveServerTests.curl("POST", server.url + "/v1/push", token: token, bodyFile: file)
            #expect(answer.status == 200, "\(answer.body)")
            return try JSONDecoder().decode(PushResponse.self, from: Data(answer.body.utf8)).results
        }

        /// The organiser's export of the campaign, by response id (lower case).
        func exported() throws -> [String: [String: Any]] {
            let answer = try LiveServerTests.curl("GET", server.url + "/v1/campaigns/\(campaign)/export?format=json", token: organiser)
            #expect(answer.status == 200, "\(answer.body)")
            let object = try JSONSerialization.jsonObject(with: Data(answer.body.utf8))
            let rows = (object as? [[String: Any]]) ?? ((object as? [String: Any])?["responses"] as? [[String: Any]]) ?? []
            var byID: [String: [String: Any]] = [:]
            for row in rows {
                guard let id = row["id"] as? String else { continue }
                byID[id.lowercased()] = (row["answers"] as? [String: Any]) ?? row
            }
            return byID
        }

        /// The organiser's open conflicts.
        func conflicts() throws -> [ConflictInfo] {
            let answer = try LiveServerTests.curl("GET", server.url + "/v1/conflicts?campaign=\(campaign)", token: organiser)
            return try JSONDecoder().decode([ConflictInfo].self, from: Data(answer.body.utf8))
        }
    }

    static func create(_ response: UUID, _ answers: Answers, stamp: HLCTimestamp, address: String = "a1", campaign: String = "day1") -> SyncOperation {
        Ops.create(response, address: address, answers: answers, stamp: stamp, form: "checks", campaign: campaign)
    }

    static let valid: Answers = ["follow_up": .text("yes"), "agency": .text("police"), "phone": .text("07700900123"), "adults": .integer(2)]

    // MARK: Authority

    @Test("A create reusing another token's response id is rejected and changes nothing")
    func createCannotTakeOverAResponse() throws {
        let scene = try Scene()
        let response = UUID()
        let first = try scene.push([Self.create(response, Self.valid, stamp: Ops.stamp(0, "alice"))], token: scene.alice)
        #expect(first.map(\.status) == [.applied])

        // Bob (another collector) and the organiser both try to overwrite it with a create.
        let takeover: Answers = ["follow_up": .text("no"), "phone": .text("07000000000"), "adults": .integer(9)]
        for token in [scene.bob, scene.organiser] {
            let results = try scene.push([Self.create(response, takeover, stamp: Ops.stamp(5_000, "mallory"))], token: token)
            #expect(results.map(\.status) == [.rejected])
            #expect(results.first?.reason?.contains("another token") == true, "\(results)")
        }
        let stored = try #require(try scene.exported()[response.uuidString.lowercased()])
        #expect(stored["phone"] as? String == "07700900123")
        #expect(stored["follow_up"] as? String == "yes")

        // The same token sending its create again (a new operation id) is an idempotent re-send.
        let again = try scene.push([Self.create(response, Self.valid, stamp: Ops.stamp(6_000, "alice"))], token: scene.alice)
        #expect(again.map(\.status) == [.applied])
    }

    @Test("One push creating a response, changing it and creating it again stores it once, with every write")
    func oneResponseCreatedTwiceInOnePush() throws {
        let scene = try Scene()
        let response = UUID()
        let other = UUID()
        // Given one push: a create; more new responses than the server looks at in one go (on
        // PostgreSQL, 256 operations); an invalid create of another response, an update of the
        // first, the first created again under a new operation id with another answer, and the
        // other created validly at last
        let between = (0..<300).map { index in
            Self.create(UUID(), Self.valid, stamp: Ops.stamp(1_000 + Int64(index), "alice"))
        }
        let operations = [Self.create(response, Self.valid, stamp: Ops.stamp(0, "alice"))] + between + [
            Self.create(other, ["follow_up": .text("maybe")], stamp: Ops.stamp(1_500, "alice")),
            Ops.update(response, [FieldChange(name: "adults", value: .integer(3), base: Ops.stamp(0, "alice"))], stamp: Ops.stamp(2_000, "alice")),
            Self.create(response, Self.valid.merging(["adults": .integer(4)]) { $1 }, stamp: Ops.stamp(3_000, "alice")),
            Self.create(other, Self.valid, stamp: Ops.stamp(4_000, "alice")),
        ]
        let results = try scene.push(operations, token: scene.alice)

        // Then the invalid create alone is rejected, and each response is stored once with the
        // latest write of each answer
        #expect(results.map(\.status) == Array(repeating: .applied, count: 301) + [.rejected, .applied, .applied, .applied], "\(results.filter { $0.status != .applied })")
        let exported = try scene.exported()
        #expect(exported.count == 302)
        #expect(exported[response.uuidString.lowercased()]?["adults"] as? Int == 4)
        #expect(exported[other.uuidString.lowercased()]?["adults"] as? Int == 2)

        // And the same push sent again changes nothing and answers the same
        #expect(try scene.push(operations, token: scene.alice).map(\.status) == results.map(\.status))
        #expect(try scene.exported()[response.uuidString.lowercased()]?["adults"] as? Int == 4)
    }

    @Test("A collector cannot update or erase another collector's response")
    func collectorsTouchOnlyTheirOwn() throws {
        let scene = try Scene()
        let response = UUID()
        _ = try scene.push([Self.create(response, Self.valid, stamp: Ops.stamp(0, "alice"))], token: scene.alice)
        let update = Ops.update(response, [FieldChange(name: "adults", value: .integer(3), base: Ops.stamp(0, "alice"))], stamp: Ops.stamp(1_000, "bob"))
        let erase = Ops.erase(response, scope: .all, stamp: Ops.stamp(2_000, "bob"))
        let results = try scene.push([update, erase], token: scene.bob)
        #expect(results.map(\.status) == [.rejected, .rejected])
        #expect(try scene.exported()[response.uuidString.lowercased()]?["adults"] as? Int == 2)
    }

    // MARK: Validity

    @Test("An update that would leave the response invalid is rejected with the validator's reason")
    func updatesKeepResponsesValid() throws {
        let scene = try Scene()
        let response = UUID()
        let created = Ops.stamp(0, "alice")
        _ = try scene.push([Self.create(response, ["follow_up": .text("no"), "adults": .integer(2)], stamp: created)], token: scene.alice)
        let attempts: [(FieldChange, String)] = [
            (FieldChange(name: "phone", value: .text("<not a phone>"), base: nil), "phone"),
            (FieldChange(name: "agency", value: .text("police"), base: nil), "agency"),
            (FieldChange(name: "follow_up", value: nil, base: created), "follow_up"),
            (FieldChange(name: "adults", value: .integer(1_000_000), base: created), "adults"),
        ]
        for (offset, (change, name)) in attempts.enumerated() {
            let results = try scene.push(
                [Ops.update(response, [change], stamp: Ops.stamp(Int64(1_000 * (offset + 1)), "alice"))], token: scene.alice
            )
            #expect(results.first?.status == .rejected, "\(name): \(results)")
            #expect(results.first?.reason?.contains(name) == true, "\(name): \(results)")
        }
        let stored = try #require(try scene.exported()[response.uuidString.lowercased()])
        #expect(stored["follow_up"] as? String == "no")
        #expect(stored["agency"] == nil || stored["agency"] is NSNull)
        #expect(stored["phone"] == nil || stored["phone"] is NSNull)
        #expect(stored["adults"] as? Int == 2)
    }

    @Test("Two concurrent valid writes that would merge into an invalid state keep the response valid and the value as a conflict")
    func concurrentWritesKeepAConflict() throws {
        let scene = try Scene()
        let response = UUID()
        let created = Ops.stamp(0, "alice")
        _ = try scene.push([Self.create(response, ["follow_up": .text("no"), "adults": .integer(2)], stamp: created)], token: scene.alice)
        // The organiser's laptop answers the follow-up question (a later stamp) ...
        let organiserWrite = Ops.update(
            response, [FieldChange(name: "follow_up", value: .text("yes"), base: created), FieldChange(name: "agency", value: .text("council"), base: nil)],
            stamp: Ops.stamp(20_000, "office")
        )
        #expect(try scene.push([organiserWrite], token: scene.organiser, device: "office").map(\.status) == [.applied])
        // ... while the officer, who never saw it, clears the follow-up with an earlier stamp on
        // a field the organiser also wrote: merged, agency would be required and missing.
        let officerWrite = Ops.update(
            response, [FieldChange(name: "agency", value: nil, base: nil)], stamp: Ops.stamp(10_000, "alice")
        )
        let result = try scene.push([officerWrite], token: scene.alice)
        #expect(result.map(\.status) == [.applied])
        let stored = try #require(try scene.exported()[response.uuidString.lowercased()])
        #expect(stored["follow_up"] as? String == "yes")
        #expect(stored["agency"] as? String == "council")
        // The officer's concurrent value is kept for an organiser to settle.
        let conflicts = try scene.conflicts()
        #expect(conflicts.contains { $0.response == response && $0.field == "agency" }, "\(conflicts)")
    }

    // MARK: Held and rejected

    @Test("Work for a campaign the server does not know yet is held, keeps no payload, and is applied once the campaign exists")
    func heldUntilTheCampaignExists() throws {
        let scene = try Scene()
        let response = UUID()
        let create = Self.create(response, Self.valid, stamp: Ops.stamp(0, "alice"), campaign: "later")
        let update = Ops.update(response, [FieldChange(name: "adults", value: .integer(3), base: Ops.stamp(0, "alice"))], stamp: Ops.stamp(1_000, "alice"))
        let first = try scene.push([create, update], token: scene.alice)
        #expect(first.map(\.status) == [.held, .held])
        #expect(first.first?.reason?.contains("later") == true)

        let walk = try scene.directory.write("id,address\na1,1 Late Street\n", to: "later.csv")
        let created = try ProcessRunner.server([
            "campaigns", "create", "--data", scene.directory.path, "--id", "later", "--name", "Later", "--form", "checks", "--addresses", walk,
        ])
        #expect(created.status == 0, "\(created.stderr)")
        let second = try scene.push([create, update], token: scene.alice)
        #expect(second.map(\.status) == [.applied, .applied])
        // A third send is answered from the log, applied once.
        let third = try scene.push([create, update], token: scene.alice)
        #expect(third.map(\.status) == [.applied, .applied])
    }

    @Test("A rejected operation keeps a bounded record, not its payload, and is answered the same when sent again")
    func rejectedKeepsABoundedRecord() throws {
        let scene = try Scene()
        let note = String(repeating: "x", count: 50_000)
        let response = UUID()
        let operation = Self.create(response, ["follow_up": .text("no"), "phone": .text(note)], stamp: Ops.stamp(0, "alice"))
        let first = try scene.push([operation], token: scene.alice)
        #expect(first.map(\.status) == [.rejected])
        #expect(try scene.push([operation], token: scene.alice) == first)
        let database = try ServerDatabase.forTest(scene.directory.url)
        defer { try? database.close() }
        let stored = try database.store.read { db in
            try String.fetchAll(db, sql: "SELECT * FROM unapplied_operations").joined() + String.fetchAll(db, sql: "SELECT payload_json FROM operations").joined()
        }
        #expect(!stored.contains(note))
    }
}
