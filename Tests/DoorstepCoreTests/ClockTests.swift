import DoorstepCore
import Foundation
import Testing

@Suite("Hybrid logical clock")
struct ClockTests {
    @Test("A stamp's string form round-trips and sorts like the stamp")
    func stringFormSortsLikeStamps() throws {
        let stamps = [
            HLCTimestamp(physical: 1_763_910_853_000, counter: 0, node: "b"),
            HLCTimestamp(physical: 1_763_910_853_000, counter: 0, node: "a"),
            HLCTimestamp(physical: 1_763_910_853_000, counter: 15, node: "a"),
            HLCTimestamp(physical: 999, counter: 65535, node: "z"),
            HLCTimestamp(physical: 1_763_910_853_001, counter: 2, node: "a-b-c"),
        ]
        for stamp in stamps {
            #expect(HLCTimestamp(stamp.description) == stamp)
        }
        #expect(stamps.sorted().map(\.description) == stamps.map(\.description).sorted())
    }

    @Test("Malformed stamps are refused", arguments: ["", "1-2-3", "0001763910853000-0000-", "x001763910853000-0000-a", "0001763910853000-zzzz-a"])
    func malformedStamps(text: String) {
        #expect(HLCTimestamp(text) == nil)
    }

    @Test("Ticks move forward even when the wall clock goes back")
    func ticksAreMonotonic() {
        var clock = HybridLogicalClock(node: "laptop")
        let first = clock.tick(physicalMilliseconds: 1_000)
        let second = clock.tick(physicalMilliseconds: 1_000)
        let third = clock.tick(physicalMilliseconds: 500)
        let fourth = clock.tick(physicalMilliseconds: 2_000)
        #expect(first < second && second < third && third < fourth)
        #expect(third.physical == 1_000)
        #expect(fourth == HLCTimestamp(physical: 2_000, counter: 0, node: "laptop"))
    }

    @Test("A clock resumed from its last stamp never goes backwards")
    func resumedClock() {
        var clock = HybridLogicalClock(node: "laptop")
        let before = clock.tick(physicalMilliseconds: 5_000)
        var resumed = HybridLogicalClock(node: "laptop", last: clock.last)
        #expect(resumed.tick(physicalMilliseconds: 10) > before)
    }

    @Test("Observing a remote stamp puts the next local stamp after it")
    func observeRemote() {
        var clock = HybridLogicalClock(node: "a")
        _ = clock.tick(physicalMilliseconds: 1_000)
        let remote = HLCTimestamp(physical: 9_000, counter: 7, node: "server")
        clock.observe(remote, physicalMilliseconds: 1_001)
        let next = clock.tick(physicalMilliseconds: 1_002)
        #expect(next > remote)
        #expect(next.physical == 9_000 && next.counter == 8)
    }

    @Test("The counter rolls over into the next millisecond")
    func counterOverflow() {
        var clock = HybridLogicalClock(
            node: "a", last: HLCTimestamp(physical: 10, counter: HybridLogicalClock.maximumCounter, node: "a")
        )
        #expect(clock.tick(physicalMilliseconds: 10) == HLCTimestamp(physical: 11, counter: 0, node: "a"))
    }

    @Test("UTC timestamps match Foundation's ISO 8601 formatter, across leap days, centuries and 1970")
    func utcTimeMatchesFoundation() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var generator = SystemRandomNumberGenerator()
        let fixed: [Int64] = [
            0, -1, 1, 86_399_999, 86_400_000, 951_782_400_000, 951_868_799_999, 4_107_542_399_999,
            1_763_910_853_123, 253_402_300_799_999,
        ]
        let random = (0..<2_000).map { _ in Int64.random(in: -2_208_988_800_000...4_102_444_800_000, using: &generator) }
        for milliseconds in fixed + random {
            let date = Date(timeIntervalSince1970: Double(milliseconds) / 1_000)
            #expect(UTCTime.iso8601(milliseconds: milliseconds) == formatter.string(from: date), "\(milliseconds)")
        }
        #expect(UTCTime.iso8601(milliseconds: 951_782_400_000) == "2000-02-29T00:00:00.000Z")
    }
}
