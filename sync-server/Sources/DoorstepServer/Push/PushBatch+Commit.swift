import DoorstepCore
import DoorstepWire
import Foundation

extension PushBatch {
    /// Writes the tallies, the sequence and the clock; the transaction then commits.
    mutating func finish() throws {
        var folded: [CampaignTallyKey: Int] = [:]
        // Mostly each place's keys in its street's dimension, plus the fewer of the area and `all`
        // dimensions: room for them all at once rather than growing step by step.
        let placedKeys = tallies.values.reduce(0) { $0 + $1.count } + preparedTallies.values.reduce(0) { $0 + $1.count }
        folded.reserveCapacity(placedKeys + placedKeys / 4)
        func fold(_ group: TallyGroup, _ counts: some Sequence<(key: TallyKey, delta: Int)>) throws {
            guard let form = try database.forms.entry(group.form, db) else { return }
            // Every response counts the same buckets in each dimension of its place (see `Tally`).
            let dimensions = form.tallyPlan.dimensions(street: group.street, area: group.area)
            for (key, delta) in counts where delta != 0 {
                // Free text is counted for the campaign only, in its own dimension.
                if key.dimension == TallyKey.textDimension {
                    folded[CampaignTallyKey(campaign: group.campaign, key: key), default: 0] += delta
                    continue
                }
                for dimension in dimensions {
                    let placed = TallyKey(dimension: dimension, question: key.question, bucket: key.bucket)
                    folded[CampaignTallyKey(campaign: group.campaign, key: placed), default: 0] += delta
                }
            }
        }
        for (group, counts) in tallies {
            try fold(group, counts.lazy.map { ($0.key, $0.value) })
        }
        let keys = preparation?.keys ?? []
        for (group, counts) in preparedTallies {
            try fold(group, counts.enumerated().lazy.map { (keys[$0.offset], $0.element) })
        }
        // Each key once: on PostgreSQL, many go to one statement.
        let upsert = try BindingStatement(db.appendingStatement(SQLInsert(
            table: "tallies", columns: ["campaign", "dimension", "question", "bucket", "count"],
            suffix: "ON CONFLICT(campaign, dimension, question, bucket) DO UPDATE SET count = tallies.count + excluded.count"
        )))
        var lowered = false
        for (key, delta) in folded where delta != 0 {
            try upsert.execute(key.campaign, key.key.dimension, key.key.question, key.key.bucket, delta)
            lowered = lowered || delta < 0
        }
        // Only a count lowered can reach 0.
        if lowered { try db.execute(sql: "DELETE FROM tallies WHERE count = 0") }
        try ServerDatabase.setSequence(db, sequence)
        try database.clock.save(db)
    }
}
