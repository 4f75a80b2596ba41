import DoorstepCore
import DoorstepTestSupport
import Foundation
import Testing

/// Several laptops edit overlapping responses offline, in random orders, and sync in random
/// interleavings (some at the same moment); afterwards every replica equals the server, and every
/// value overwritten without its writer's knowledge is in the organisers' conflict list.
@Suite("Fault injection: convergence under concurrency", .serialized)
struct FaultInjectionConvergenceTests {
    /// Rounds of offline edits followed by a random wave of syncs, per trial.
    static let rounds = 8

    /// One write to one field, as the test saw it land on a laptop (from `show --json` before and after).
    struct Write: Hashable {
        var response: String
        var field: String
        var stamp: HLCTimestamp
        var base: HLCTimestamp?
        var value: AnswerValue?
        var laptop: String
    }

    /// The answers a field may be corrected to, chosen so no correction changes skip logic.
    static let corrections: [(field: String, values: [String])] = [
        ("occupants", (2...8).map(String.init)),
        ("co_alarm", ["yes", "no", "no_fuel_appliances"]),
        ("escape_plan", ["yes", "no"]),
        ("alarm_fitted", (0...6).map(String.init)),
        ("alarm_last_tested", ["last_month", "last_6_months", "longer", "never"]),
        ("escape_difficulty", ["yes", "no", "unsure"]),
    ]

    @Test("Overlapping offline edits synced in random interleavings converge on every replica, losing values kept as conflicts")
    func concurrentEditsConverge() throws {
        let seed = FaultSeed("convergence")
        for trial in 0..<FaultBudget.trials {
            var random = seed.generator(trial: trial)
            try runTrial(trial, seed: seed, random: &random)
        }
    }

    private func runTrial(_ trial: Int, seed: FaultSeed, random: inout SeededGenerator) throws {
        // Given two organisers, an officer with two laptops (one token), and another officer
        let server = try FaultServer(addressCount: 30)
        let amira = try server.token("collector", name: "amira")
        let laptops = [
            try FaultLaptop(name: "organiser-1"), try FaultLaptop(name: "organiser-2"),
            try FaultLaptop(name: "amira-1"), try FaultLaptop(name: "amira-2"), try FaultLaptop(name: "ben"),
        ]
        try laptops[0].login(server: server.url, token: try server.token("organiser", name: "organiser-1"))
        try laptops[1].login(server: server.url, token: try server.token("organiser", name: "organiser-2"))
        try laptops[2].login(server: server.url, token: amira)
        try laptops[3].login(server: server.url, token: amira)
        try laptops[4].login(server: server.url, token: try server.token("collector", name: "ben"))
        for laptop in laptops { try laptop.syncUntilDone() }

        // And responses recorded by the officers, which every laptop allowed to see them pulls
        var writes: [Write] = []
        var owner: [String: String] = [:]   // response id -> the token's owner
        for (laptop, count, token) in [(laptops[2], 3, "amira"), (laptops[3], 2, "amira"), (laptops[4], 3, "ben")] {
            for _ in 0..<count {
                let address = server.addresses[Int.random(in: 0..<server.addresses.count, using: &random)]
                let text = String(decoding: try JSONSerialization.data(withJSONObject: Self.answers(using: &random)), as: UTF8.self)
                let id = try laptop.expect(["record", "--campaign", server.campaign, "--address", address, "--answers", "-", "--yes"], input: text)
                    .trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
                owner[id] = token
                writes += try Self.changes(from: [:], to: try Self.fields(try laptop.show(id)), response: id, laptop: laptop.name)
            }
        }
        for index in [2, 3, 4, 0, 1, 2, 3] { try laptops[index].syncUntilDone() }
        let created = writes.count

        // When, round after round, laptops correct overlapping answers offline and a random
        // subset syncs in a random order, up to three at the same moment
        var concurrentRuns = 0
        for _ in 0..<Self.rounds {
            for laptop in laptops.shuffled(using: &random) where Int.random(in: 0..<4, using: &random) > 0 {
                let mayEdit = try laptop.responseIDs().filter { id in
                    laptop.name.hasPrefix("organiser") || laptop.name.hasPrefix(owner[id] ?? "-")
                }
                guard !mayEdit.isEmpty else { continue }
                // Half the edits go to the same few answers, so laptops often collide
                let hot = mayEdit.sorted().prefix(2)
                for _ in 0..<Int.random(in: 1...3, using: &random) {
                    let collide = Bool.random(using: &random)
                    let id = collide ? hot.randomElement(using: &random)! : mayEdit[Int.random(in: 0..<mayEdit.count, using: &random)]
                    let correction = Self.corrections[Int.random(in: 0..<(collide ? 2 : Self.corrections.count), using: &random)]
                    let value = correction.values[Int.random(in: 0..<correction.values.count, using: &random)]
                    let before = try Self.fields(try laptop.show(id))
                    try laptop.expect(["edit", id, "--set", "\(correction.field)=\(value)"])
                    writes += try Self.changes(from: before, to: try Self.fields(try laptop.show(id)), response: id, laptop: laptop.name)
                }
            }
            var wave = laptops.filter { _ in Bool.random(using: &random) }.shuffled(using: &random)
            while !wave.isEmpty {
                let together = Array(wave.prefix(Int.random(in: 1...3, using: &random)))
                wave.removeFirst(together.count)
                let syncs = try together.map { try $0.startSync() }
                concurrentRuns += together.count > 1 ? together.count : 0
                for (laptop, sync) in zip(together, syncs) {
                    let result = sync.wait()
                    #expect(result.status == 0, "sync of \(laptop.name) exited \(result.status): \(result.stderr.suffix(300)) (\(seed))")
                }
            }
        }
        for _ in 0..<2 {
            for laptop in laptops.shuffled(using: &random) { try laptop.syncUntilDone() }
        }

        // Then the server holds each response once, with the highest-stamped write of every field
        let expected = Self.expectedState(writes)
        let serverState = try server.state()
        #expect(serverState.responses.count == owner.count, "responses on the server (\(seed))")
        #expect(serverState == expected, "the server is not the merge of every write (\(seed)):\n\(serverState.difference(from: expected))")
        let exported = try laptops[0].exportState(campaign: server.campaign)
        #expect(exported == serverState, "the organiser's export differs from the server's database (\(seed)):\n\(exported.difference(from: serverState))")

        // And every replica equals the server, over what its token may see
        var hashes: [String] = []
        for laptop in laptops {
            let state = try laptop.state()
            let visible = laptop.name.hasPrefix("organiser")
                ? Set(owner.keys) : Set(owner.keys.filter { laptop.name.hasPrefix(owner[$0]!) })
            #expect(Set(state.responses.keys) == visible, "responses on \(laptop.name) (\(seed))")
            #expect(state == serverState.restricted(to: visible),
                    "\(laptop.name) differs from the server (\(seed)):\n\(state.difference(from: serverState))")
            #expect(try laptop.status()["pending"] as? Int == 0, "pending on \(laptop.name) (\(seed))")
            hashes.append("\(laptop.name) \(state.hash)")
        }

        // And exactly the values overwritten without being seen are kept as conflicts
        let conflicts = try FaultJSON.array(try laptops[0].expect(["conflicts", "--campaign", server.campaign, "--json"]))
        var listed: [String: AnswerValue?] = [:]
        for conflict in conflicts {
            let key = "\((conflict["response"] as? String ?? "").lowercased()) \(conflict["field"] as? String ?? "") \(conflict["stamp"] as? String ?? "")"
            listed.updateValue(try conflict["value"].map { try FaultJSON.answer($0) } ?? nil, forKey: key)
        }
        var kept: [String: AnswerValue?] = [:]
        for write in Self.expectedConflicts(writes) {
            kept.updateValue(write.value, forKey: "\(write.response) \(write.field) \(write.stamp)")
        }
        #expect(Set(listed.keys) == Set(kept.keys),
                "conflict list (\(seed)): missing \(Set(kept.keys).subtracting(listed.keys).sorted()), unexpected \(Set(listed.keys).subtracting(kept.keys).sorted())")
        for (key, value) in kept {
            if let shown = listed[key] { #expect(shown == value, "kept value of \(key) (\(seed))") }
        }
        try server.expectSound(seed)
        print("fault-injection convergence trial \(trial): \(owner.count) responses, \(writes.count - created) edited fields, \(kept.count) conflicts, \(concurrentRuns) syncs run alongside another; server \(serverState.hash); \(hashes.joined(separator: ", "))")
    }

    // MARK: The oracle

    /// Each response's answers as the merge rule says they must end: per field, the value of the
    /// write with the highest stamp.
    static func expectedState(_ writes: [Write]) -> ReplicaState {
        var winners: [String: [String: Write]] = [:]
        for write in writes where (winners[write.response]?[write.field]?.stamp).map({ write.stamp > $0 }) ?? true {
            winners[write.response, default: [:]][write.field] = write
        }
        return ReplicaState(responses: winners.mapValues { fields in
            FaultJSON.canonical(fields.compactMapValues { $0.value })
        })
    }

    /// The writes that neither won nor were the base of another write to the same field: values
    /// overwritten by someone who had not seen them.
    static func expectedConflicts(_ writes: [Write]) -> [Write] {
        let byField = Dictionary(grouping: writes) { "\($0.response) \($0.field)" }
        return byField.values.flatMap { history -> [Write] in
            let winner = history.map(\.stamp).max()
            let seen = Set(history.compactMap(\.base))
            return history.filter { $0.stamp != winner && !seen.contains($0.stamp) }
        }
    }

    // MARK: Reading laptops

    /// A field as `show --json` reports it: its value (nil when cleared) and stamp.
    typealias Field = (value: AnswerValue?, stamp: HLCTimestamp)

    static func fields(_ shown: [String: Any]) throws -> [String: Field] {
        let fields = try #require(shown["fields"] as? [String: [String: Any]], "show --json without fields")
        return try fields.mapValues { field in
            let stamp = try #require((field["stamp"] as? String).flatMap(HLCTimestamp.init), "a field without a stamp")
            return (try field["value"].map { try FaultJSON.answer($0) } ?? nil, stamp)
        }
    }

    /// The writes a command made: every field whose stamp moved, based on the stamp it had.
    static func changes(from before: [String: Field], to after: [String: Field], response: String, laptop: String) throws -> [Write] {
        after.compactMap { name, field in
            guard before[name]?.stamp != field.stamp else { return nil }
            return Write(response: response, field: name, stamp: field.stamp, base: before[name]?.stamp, value: field.value, laptop: laptop)
        }
    }

    /// Consenting answers from a resident under 65 in a home that is not a priority, so that
    /// every correction in ``corrections`` keeps the same questions relevant.
    static func answers(using random: inout SeededGenerator) -> [String: Any] {
        func pick(_ values: [String]) -> String { values[Int.random(in: 0..<values.count, using: &random)] }
        return [
            "consent": "yes", "occupants": Int.random(in: 2...8, using: &random), "oldest_age_band": pick(["under_50", "50_64"]),
            "escape_difficulty": pick(["yes", "no", "unsure"]), "smoke_alarms": "every_floor",
            "alarm_last_tested": pick(["last_month", "last_6_months", "longer", "never"]),
            "co_alarm": pick(["yes", "no", "no_fuel_appliances"]), "risks": [pick(["none", "candles", "smoking_indoors"])],
            "escape_plan": pick(["yes", "no"]), "alarm_fitted": Int.random(in: 0...2, using: &random),
            "safeguarding_concern": "no",
        ]
    }
}
