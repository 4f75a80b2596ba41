import DoorstepTestSupport
import Foundation
import GRDB
import Testing

let walkListCSV = """
    id,address,postcode,street,area,access
    a1,1 Oak Street,LS1 1AA,Oak Street,West End,
    a2,"Flat 2, 2 Oak Street",LS1 1AA,Oak Street,West End,ring twice
    a3,3 Elm Road,LS1 2BB,Elm Road,West End,

    """

/// A fresh home with the door form and campaign `west` added, and helpers to run `doorstep` on it.
struct CLIFixture {
    let directory: TemporaryDirectory
    var home: String { directory.appending("home").path }

    /// A home with nothing in it yet.
    init(empty: Bool) throws {
        directory = try TemporaryDirectory("cli")
    }

    /// A home ready for a day: form `door` version 2 and campaign `west` with three addresses.
    init() throws {
        self = try CLIFixture(empty: true)
        let form = try directory.write(doorForm(), to: "door.yaml")
        let csv = try directory.write(walkListCSV, to: "walk.csv")
        try expectSuccess(["forms", "add", form])
        try expectSuccess(["campaigns", "add", "--id", "west", "--name", "West End day", "--form", "door",
                           "--addresses", csv, "--date", "2025-11-22"])
    }

    /// Runs `doorstep ARGUMENTS` with this home as `$DOORSTEP_HOME`.
    @discardableResult
    func run(_ arguments: [String], input: String? = nil, environment: [String: String] = [:]) throws -> ProcessResult {
        var environment = environment
        if environment["DOORSTEP_HOME"] == nil { environment["DOORSTEP_HOME"] = home }
        return try ProcessRunner.doorstep(arguments, input: input, environment: environment, timeout: 60)
    }

    /// Runs a command that must succeed and returns its stdout.
    @discardableResult
    func expectSuccess(_ arguments: [String], input: String? = nil) throws -> String {
        let result = try run(arguments, input: input)
        #expect(result.status == 0, "doorstep \(arguments.joined(separator: " ")) failed: \(result.stderr)")
        return result.stdout
    }

    /// Records `answers` (a JSON object) at an address and returns the new response id.
    @discardableResult
    func record(_ answers: String, at address: String = "a1") throws -> String {
        try expectSuccess(["record", "--campaign", "west", "--address", address, "--answers", "-"], input: answers)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Parses a command's stdout as JSON.
    func json(_ arguments: [String]) throws -> Any {
        let output = try expectSuccess(arguments)
        return try JSONSerialization.jsonObject(with: Data(output.utf8), options: [.fragmentsAllowed])
    }

    /// The answers of a response as `show --json` prints them.
    func answers(_ id: String) throws -> NSDictionary {
        let object = try json(["show", id, "--json"]) as? [String: Any]
        return (object?["answers"] as? NSDictionary) ?? [:]
    }

    /// How many rows a table of the store holds, read with SQLite directly.
    func count(_ table: String) throws -> Int {
        let queue = try DatabaseQueue(path: directory.appending("home").appendingPathComponent("doorstep.sqlite").path)
        return try queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0 }
    }

    func remove() { directory.remove() }
}
