import DoorstepStore
import DoorstepTestSupport
import Foundation
import GRDB
import Testing

@Suite("doorstep: killed with SIGKILL while recording")
struct CrashTests {
    /// Recordings started per seed; every eighth is left to finish.
    static let rounds = 14

    @Test(arguments: SeededGenerator.seeds)
    func everyResponseIsWholeWithItsOutboxEntryOrAbsent(seed: UInt64) throws {
        let fixture = try CLIFixture()
        defer { fixture.remove() }
        var generator = SeededGenerator(seed: seed)
        print("CrashTests seed: \(seed) (DOORSTEP_SEED=\(seed) replays it)")
        let answers = Data(#"{"consent": "yes", "safe_day": "not", "problems": ["drugs", "asb"], "adults": 2, "name": "Ann", "concern": "no"}"#.utf8)
        var killed = 0

        // When recordings start and most are killed at a random moment
        for round in 0..<Self.rounds {
            let process = Process()
            process.executableURL = BuiltProducts.executable("doorstep")
            process.arguments = ["record", "--campaign", "west", "--address", ["a1", "a2", "a3"][round % 3], "--answers", "-", "--yes"]
            process.environment = ProcessInfo.processInfo.environment.merging(["DOORSTEP_HOME": fixture.home]) { $1 }
            let input = Pipe()
            process.standardInput = input
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            input.fileHandleForWriting.write(answers)
            try input.fileHandleForWriting.close()
            if round % 8 != 7 {
                usleep(UInt32.random(in: 0...60_000, using: &generator))
                if process.isRunning {
                    kill(process.processIdentifier, SIGKILL)
                    killed += 1
                }
            }
            process.waitUntilExit()
        }
        print("CrashTests: \(killed) of \(Self.rounds) recordings killed (seed \(seed))")

        // Then the store opens cleanly and holds only whole responses, each with its operation
        let path = fixture.directory.appending("home").appendingPathComponent(ClientStore.databaseFileName).path
        let queue = try DatabaseQueue(path: path)
        try queue.read { db in
            #expect(try String.fetchAll(db, sql: "PRAGMA integrity_check") == ["ok"])
            #expect(try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").isEmpty)
            let responses = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM responses") ?? 0
            #expect(responses >= Self.rounds / 8)  // every eighth recording was left to finish
            let partial = try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM responses r
                WHERE (SELECT COUNT(*) FROM response_fields f WHERE f.response = r.id) != 6
                   OR (SELECT COUNT(*) FROM outbox o WHERE o.response = r.id AND o.kind = 'response.create') != 1
                """)
            #expect(partial == 0)
            let orphans = try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM outbox o WHERE o.kind = 'response.create'
                AND NOT EXISTS (SELECT 1 FROM responses r WHERE r.id = o.response)
                """)
            #expect(orphans == 0)
            let surveyed = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM visits WHERE outcome = 'surveyed'") ?? 0
            let visitOperations = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE kind = 'visit'") ?? 0
            #expect(surveyed == visitOperations)
            let doors = try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT address) FROM responses") ?? 0
            #expect(surveyed == doors)
        }
        let store = try ClientStore(home: fixture.directory.appending("home"))
        #expect(try store.pendingCount() == (try store.status().responses) + (try store.status().visits))
    }

    @Test func aQuestionnaireKilledAtTheDoorKeepsEveryAnswerGiven() throws {
        let fixture = try CLIFixture()
        defer { fixture.remove() }

        // Given an officer who has answered two questions in a questionnaire that is still open
        let process = Process()
        process.executableURL = BuiltProducts.executable("doorstep")
        process.arguments = ["record", "--campaign", "west", "--address", "a2"]
        process.environment = ProcessInfo.processInfo.environment.merging(["DOORSTEP_HOME": fixture.home]) { $1 }
        let input = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(Data("1\n2\n".utf8))
        let path = fixture.directory.appending("home").appendingPathComponent(ClientStore.databaseFileName).path
        let queue = try DatabaseQueue(path: path)
        var saved = ""
        for _ in 0..<400 where !saved.contains("fairly") {
            usleep(25_000)
            saved = try queue.read { db in try String.fetchOne(db, sql: "SELECT answers FROM drafts") } ?? ""
        }

        // When the laptop dies
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? input.fileHandleForWriting.close()

        // Then both answers are in the draft, and resuming finishes the questionnaire
        #expect(saved.contains("fairly"))
        let resumed = try fixture.run(["record", "--resume"], input: "\n5\n\n\n\n")
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let id = resumed.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try fixture.answers(id) == ["consent": "yes", "safe_day": "fairly", "adults": 5] as NSDictionary)
    }
}
