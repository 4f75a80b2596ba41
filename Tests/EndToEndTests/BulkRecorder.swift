import DoorstepCore
import DoorstepStore
import Foundation

/// Fills a laptop's outbox quickly, through the store itself, for syncs that take a while.
enum BulkRecorder {
    /// Records `count` valid responses spread over the walk list; returns their ids (lower case).
    static func record(home: URL, campaign: String, addresses: [String], count: Int) throws -> Set<String> {
        let store = try ClientStore(home: home)
        let stored = try store.form(id: store.campaign(id: campaign).form)
        let form = try stored.definition()
        let validator = LaptopSealing.validator(form)
        var ids: Set<String> = []
        for index in 0..<count {
            var answers: DoorstepCore.Answers = [:]
            answers["consent"] = .text("yes")
            answers["occupants"] = .integer(index % 20 + 1)
            answers["oldest_age_band"] = .text("under_50")
            answers["escape_difficulty"] = .text("no")
            answers["smoke_alarms"] = .text("every_floor")
            answers["risks"] = .list(["none"])
            // Every hundredth carries a safeguarding concern, so the urgent ones go first.
            let concern = index % 100 == 0
            answers["safeguarding_concern"] = .text(concern ? "yes" : "no")
            if concern { answers["safeguarding_details"] = .text("Hoarding seen in the hall.") }
            let valid = try validator.validate(answers).get()
            let id = UUID()
            _ = try store.recordResponse(
                campaign: campaign, address: addresses[index % addresses.count], form: form,
                answers: try LaptopSealing.sealed(valid, form: form, response: id, store: store),
                safeguarding: validator.flagsSafeguarding(valid), id: id
            )
            ids.insert(id.uuidString.lowercased())
        }
        return ids
    }
}

/// Runs blocking work on several threads at once.
enum Parallel {
    static func run<T: Sendable>(_ count: Int, _ body: @Sendable @escaping (Int) throws -> T) throws -> [T] {
        let results = Results<T>(count: count)
        DispatchQueue.concurrentPerform(iterations: count) { index in
            results.set(index, Result { try body(index) })
        }
        return try results.values()
    }

    private final class Results<T: Sendable>: @unchecked Sendable {
        private var slots: [Result<T, any Error>?]
        private let lock = NSLock()

        init(count: Int) { slots = Array(repeating: nil, count: count) }

        func set(_ index: Int, _ value: Result<T, any Error>) {
            lock.withLock { slots[index] = value }
        }

        func values() throws -> [T] {
            try lock.withLock { try slots.map { try $0!.get() } }
        }
    }
}
