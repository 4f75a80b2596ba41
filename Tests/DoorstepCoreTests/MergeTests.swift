import DoorstepCore
import DoorstepTestSupport
import Testing

@Suite("Field merge")
struct MergeTests {
    private static func stamp(_ physical: Int64, _ node: String) -> HLCTimestamp {
        HLCTimestamp(physical: physical, counter: 0, node: node)
    }

    private static func write(
        _ physical: Int64, _ node: String, base: HLCTimestamp?, value: String,
        resolves: [HLCTimestamp] = [], aliases: [HLCTimestamp] = []
    ) -> FieldHistory.Write {
        FieldHistory.Write(
            stamp: stamp(physical, node), aliases: aliases, base: base, resolves: resolves,
            value: .text(value), device: node
        )
    }

    @Test("A write that saw the current value replaces it without conflict")
    func sequentialWrites() {
        // Given a value recorded at the door, then corrected by someone who saw it
        let created = Self.write(1, "a", base: nil, value: "safe")
        let corrected = Self.write(2, "b", base: created.stamp, value: "very_safe")
        // When both are merged, in either order
        for order in [[created, corrected], [corrected, created]] {
            let history = FieldHistory(order)
            // Then the correction wins and nothing is in conflict
            #expect(history.winner?.value == .text("very_safe"))
            #expect(history.conflicts.isEmpty)
        }
    }

    @Test("Concurrent writes: the highest stamp wins and the other value is kept")
    func concurrentWrites() {
        let created = Self.write(1, "a", base: nil, value: "safe")
        let first = Self.write(5, "a", base: created.stamp, value: "unsafe")
        let second = Self.write(6, "b", base: created.stamp, value: "very_unsafe")
        let history = FieldHistory([second, created, first])
        #expect(history.winner?.value == .text("very_unsafe"))
        #expect(history.conflicts.map(\.value) == [.text("unsafe")])
    }

    @Test("A resolving write settles the conflict")
    func resolution() {
        let created = Self.write(1, "a", base: nil, value: "x")
        let first = Self.write(5, "a", base: created.stamp, value: "y")
        let second = Self.write(6, "b", base: created.stamp, value: "z")
        let resolved = Self.write(9, "server", base: second.stamp, value: "y", resolves: [first.stamp])
        let history = FieldHistory([created, first, second, resolved])
        #expect(history.winner?.value == .text("y"))
        #expect(history.conflicts.isEmpty)
    }

    @Test("A clamped write is still recognised by its original stamp")
    func aliases() {
        let original = Self.stamp(99_999, "fast")
        let clamped = Self.write(10, "server", base: nil, value: "a", aliases: [original])
        let next = Self.write(11, "fast", base: original, value: "b")
        #expect(FieldHistory([clamped, next]).conflicts.isEmpty)
    }

    @Test("A write seen twice counts once")
    func duplicates() {
        let created = Self.write(1, "a", base: nil, value: "x")
        var history = FieldHistory([created])
        #expect(history.insert(created) == false)
        #expect(history.writes.count == 1)
    }

    @Test("Any arrival order gives the same winner and the same kept values", arguments: [1, 2, 3, 42, 2026])
    func orderIndependence(seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        // Given a random causal history of writes from four devices
        var writes: [FieldHistory.Write] = [Self.write(1, "origin", base: nil, value: "v0")]
        for index in 1...30 {
            let base = writes.randomElement(using: &generator)!.stamp
            let node = ["a", "b", "c", "d"].randomElement(using: &generator)!
            writes.append(Self.write(Int64(index + 1), node, base: base, value: "v\(index)"))
        }
        let reference = FieldHistory(writes)
        // When they arrive in many orders, Then every replica ends in the same state
        for _ in 0..<50 {
            let replica = FieldHistory(writes.shuffled(using: &generator))
            #expect(replica.winner == reference.winner, "seed \(seed)")
            #expect(replica.conflicts == reference.conflicts, "seed \(seed)")
        }
    }
}
