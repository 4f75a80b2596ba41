public import DoorstepCore

/// A knock recorded by any team, as pulled by every device of the campaign.
public struct VisitEvent: Codable, Sendable, Hashable {
    public var visit: Visit
    public var device: String
    public var stamp: HLCTimestamp

    public init(visit: Visit, device: String, stamp: HLCTimestamp) {
        self.visit = visit
        self.device = device
        self.stamp = stamp
    }
}
