import Foundation

/// A small deterministic random generator (SplitMix64), so a failing random run can be replayed
/// from the seed the test prints.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Creates a generator; the same seed gives the same sequence.
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The seeds a property test runs with, one test case each (`@Test(arguments: SeededGenerator.seeds)`):
    /// `DOORSTEP_SEED=N` alone when set, to replay a failure; fresh random ones, printed, when
    /// `DOORSTEP_RANDOM_SEEDS=1` (as `scripts/fault-injection --long` sets); else ``fixedSeeds``, so
    /// `swift test` checks the same cases every run.
    public static var seeds: [UInt64] { seeds(count: fixedSeeds.count) }

    /// The seeds `swift test` uses unless told otherwise.
    public static let fixedSeeds: [UInt64] = [2_718_281_828, 3_141_592_653, 1_414_213_562]

    /// The seed of a test that draws from one seed only, chosen as ``seeds`` are: `DOORSTEP_SEED`,
    /// else a fresh one with `DOORSTEP_RANDOM_SEEDS=1`, else the first fixed seed.
    public static func seed() -> UInt64 { seeds(count: 1)[0] }

    /// `count` seeds chosen as ``seeds`` describes (one when `DOORSTEP_SEED` is set).
    public static func seeds(count: Int) -> [UInt64] {
        if let seed = environment("DOORSTEP_SEED").flatMap({ UInt64($0) }) { return [seed] }
        guard environment("DOORSTEP_RANDOM_SEEDS") == "1" else { return Array(fixedSeeds.prefix(count)) }
        let fresh = (0..<count).map { _ in UInt64.random(in: 1...UInt64(UInt32.max)) }
        print("random seeds: \(fresh.map(String.init).joined(separator: ", ")) (DOORSTEP_SEED=<seed> replays one)")
        return fresh
    }

    private static func environment(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }
}
