import DoorstepCore
import DoorstepTestSupport
import Foundation
import Testing

/// A real `doorstep-server` with a published form, a campaign and its walk list, and client
/// homes that talk to it through the built `doorstep` binary.
final class Deployment: @unchecked Sendable {
    let data: TemporaryDirectory
    private(set) var server: RunningServer
    let campaign = "west-end"
    /// The published form: a file of `forms/` without `.yaml`.
    let form: String
    /// The walk list's address ids: `A001`, `A002`, ...
    let addresses: [String]
    /// Each agency the form routes follow-ups to, and its key file (locked with ``passphrase``),
    /// registered on the server so that laptops can seal to it.
    private(set) var agencyKeys: [String: String] = [:]

    init(addressCount: Int = 20, serverArguments: [String] = [], form: String = "safe-and-well") throws {
        data = try TemporaryDirectory("doorstep-e2e-server")
        self.form = form
        let formFile = BuiltProducts.sampleForm("\(form).yaml")
        agencyKeys = try LaptopSealing.registerAgencies(
            of: FormDefinition.parse(yaml: String(contentsOf: formFile, encoding: .utf8)), data: data
        )
        try Self.admin(["forms", "publish", "--data", data.path, formFile.path])
        addresses = (1...addressCount).map { String(format: "A%03d", $0) }
        var csv = "id,address,street,area,postcode\n"
        for (index, id) in addresses.enumerated() {
            let street = index % 2 == 0 ? "Mill Street" : "Canal Row"
            csv += "\(id),\(index + 1) \(street),\(street),West End,WE1 \(index % 9)AB\n"
        }
        let walkList = try data.write(csv, to: "walk-list.csv")
        try Self.admin([
            "campaigns", "create", "--data", data.path, "--id", campaign, "--name", "West End day of action",
            "--form", form, "--addresses", walkList,
        ])
        server = try RunningServer(data: data.path, arguments: serverArguments)
    }

    deinit {
        server.stop()
        data.remove()
    }

    /// The server's base URL.
    var url: String { server.url }

    /// Runs a `doorstep-server` administration command and requires success.
    @discardableResult
    static func admin(_ arguments: [String]) throws -> String {
        let result = try ProcessRunner.server(arguments)
        guard result.status == 0 else {
            throw CommandFailed(command: "doorstep-server " + arguments.joined(separator: " "), result: result)
        }
        return result.stdout
    }

    /// Publishes `formYAML` (form id `form`) and creates campaign `id` on it, with a walk list of
    /// one door, `R1` at 1 Lamp Lane.
    func addOneDoorCampaign(_ id: String, name: String, form: String, formYAML: String) throws {
        let file = try data.write(formYAML, to: "\(form).yaml")
        try Self.admin(["forms", "publish", "--data", data.path, file])
        let walk = try data.write("id,address\nR1,1 Lamp Lane\n", to: "\(id).csv")
        try Self.admin(["campaigns", "create", "--data", data.path, "--id", id, "--name", name, "--form", form, "--addresses", walk])
    }

    /// Creates a token with `role`.
    func token(_ role: String, name: String) throws -> String {
        try Self.admin(["tokens", "create", "--data", data.path, "--role", role, "--name", name])
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A new laptop of `agency`, logged in with an agency token, its key file in its home.
    func agencyDevice(_ agency: String) throws -> Device {
        let device = try Device(name: agency)
        let token = try Self.admin([
            "tokens", "create", "--data", data.path, "--role", "agency", "--agency", agency, "--name", "\(agency) desk",
        ]).trimmingCharacters(in: .whitespacesAndNewlines)
        try device.expect(["login", "--server", url, "--token", token])
        device.token = token
        if let keyFile = agencyKeys[agency] {
            try FileManager.default.copyItem(atPath: keyFile, toPath: device.home.path + "/\(agency).key")
        }
        return device
    }

    /// Revokes a token.
    func revoke(_ token: String) throws {
        try Self.admin(["tokens", "revoke", "--data", data.path, token])
    }

    /// Stops the server (SIGTERM).
    func stopServer() {
        server.stop()
    }

    /// Starts the server again on the same data and port, so enrolled laptops find it.
    func restartServer(port: Int) throws {
        server.stop()
        server = try RunningServer(data: data.path, arguments: ["--port", String(port)])
    }

    /// A new laptop logged in with a token of `role`.
    func device(_ name: String, role: String = "collector") throws -> Device {
        let device = try Device(name: name)
        let token = try token(role, name: name)
        try device.expect(["login", "--server", url, "--token", token])
        device.token = token
        return device
    }
}

/// One laptop: a Doorstep home folder used through the built `doorstep` binary.
final class Device: @unchecked Sendable {
    let name: String
    let home: TemporaryDirectory
    var token = ""

    init(name: String) throws {
        self.name = name
        home = try TemporaryDirectory("doorstep-e2e-\(name)")
    }

    deinit {
        home.remove()
    }

    var environment: [String: String] { ["DOORSTEP_HOME": home.path, "DOORSTEP_KEY_PASSPHRASE": LaptopSealing.passphrase] }

    /// Runs `doorstep` with this home.
    func run(_ arguments: [String], input: String? = nil, environment extra: [String: String] = [:]) throws -> ProcessResult {
        try ProcessRunner.doorstep(arguments, input: input, environment: environment.merging(extra) { $1 }, timeout: 300)
    }

    /// Runs `doorstep` and requires exit 0; returns stdout.
    @discardableResult
    func expect(_ arguments: [String], input: String? = nil) throws -> String {
        let result = try run(arguments, input: input)
        guard result.status == 0 else {
            throw CommandFailed(command: "doorstep " + arguments.joined(separator: " ") + " (\(name))", result: result)
        }
        return result.stdout
    }

    /// `doorstep sync --json`, required to exit `status` (0: everything delivered; 65: something
    /// rejected; 75: something held); the summary.
    @discardableResult
    func sync(_ extra: [String] = [], exiting status: Int32 = 0) throws -> [String: Any] {
        let arguments = ["sync", "--json", "--retry-max-time", "10"] + extra
        let result = try run(arguments)
        guard result.status == status else {
            throw CommandFailed(command: "doorstep " + arguments.joined(separator: " ") + " (\(name))", result: result)
        }
        return try JSON.object(result.stdout)
    }

    /// Records a response with `answers` at `address`; returns its id.
    @discardableResult
    func record(campaign: String, address: String, answers: [String: Any]) throws -> String {
        let text = String(decoding: try JSONSerialization.data(withJSONObject: answers), as: UTF8.self)
        return try expect(["record", "--campaign", campaign, "--address", address, "--answers", "-", "--yes"], input: text)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `show ID --json`.
    func show(_ id: String) throws -> [String: Any] {
        try JSON.object(try expect(["show", id, "--json"]))
    }

    /// `responses --json`.
    func responses(campaign: String) throws -> [[String: Any]] {
        try JSON.array(try expect(["responses", "--campaign", campaign, "--json"]))
    }

    /// `addresses --campaign C --json`, by address id.
    func doors(campaign: String) throws -> [String: [String: Any]] {
        let doors = try JSON.array(try expect(["addresses", "--campaign", campaign, "--json"]))
        return Dictionary(uniqueKeysWithValues: doors.map { ($0["id"] as? String ?? "", $0) })
    }
}

/// Answers that the safe-and-well form accepts.
enum SampleAnswers {
    /// A resident who agreed to answer, with `occupants` people at home.
    static func consenting(occupants: Int = 2) -> [String: Any] {
        [
            "consent": "yes", "occupants": occupants, "oldest_age_band": "under_50", "escape_difficulty": "no",
            "smoke_alarms": "every_floor", "risks": ["none"], "safeguarding_concern": "no",
        ]
    }

    /// An older resident who wants a Safe and Well visit: name and phone are sensitive fields.
    static func wantsVisit(name: String) -> [String: Any] {
        [
            "consent": "yes", "occupants": 1, "oldest_age_band": "75_84", "lives_alone": "yes", "escape_difficulty": "no",
            "smoke_alarms": "every_floor", "risks": ["none"], "visit_wanted": "yes", "visit_name": name,
            "visit_phone": "01632 960123", "safeguarding_concern": "no",
        ]
    }

    /// A resident who wants a visit (name and phone: the resident's personal answers), and the
    /// officer's description of a safeguarding concern (`safeguarding_details`, sensitive but the
    /// officer's record: `on_withdrawal: keep`).
    static func wantsVisitWithConcern(name: String, concern: String) -> [String: Any] {
        var answers = wantsVisit(name: name)
        answers["safeguarding_concern"] = "yes"
        answers["safeguarding_details"] = concern
        return answers
    }

    /// A resident who declined.
    static var declined: [String: Any] { ["consent": "no", "safeguarding_concern": "no"] }
}

/// JSON output parsing for the tests.
enum JSON {
    static func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not a JSON object: \(text)")
    }

    static func array(_ text: String) throws -> [[String: Any]] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]], "not a JSON array: \(text)")
    }
}

/// A command that should have succeeded did not.
struct CommandFailed: Error, CustomStringConvertible {
    let command: String
    let result: ProcessResult
    var description: String { "\(command) exited \(result.status): \(result.stderr)\(result.stdout)" }
}
