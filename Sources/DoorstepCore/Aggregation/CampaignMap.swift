import Foundation

/// Where a campaign's doors are, on a flat map in metres east and north of the doors' middle:
/// each street as a line through its doors, and each door with how far its visit got.
///
/// Built from the walk list's locations (``DoorLocation``) with ``compute(addresses:doors:respondedAddresses:)``;
/// `nil` when no door has one. A viewer's copy (``CampaignAggregates/suppressed(after:)``) keeps the
/// streets and drops the doors: viewers read figures, not doors. A street's line joins the middles of
/// a few of its doors at a time, so it shows where the street runs rather than where each door is.
public struct CampaignMap: Codable, Sendable, Hashable {
    /// What the walk list gave: `lat/lon` or `easting/northing`.
    public var system: String
    /// Each street with located doors, by name.
    public var streets: [Street]
    /// Each located door with its status, in walk-list order; empty in a viewer's copy.
    public var doors: [Door]

    /// A street as a line on the map.
    public struct Street: Codable, Sendable, Hashable {
        /// The street's name as on the walk list.
        public var name: String
        /// The line's points, `[east, north]` in whole metres, from one end of the street to the other.
        public var points: [[Double]]
    }

    /// One door on the map.
    public struct Door: Codable, Sendable, Hashable {
        /// Metres east of the map's middle.
        public var east: Double
        /// Metres north of the map's middle.
        public var north: Double
        /// How far the visit got: `not_knocked`, `no_answer`, `revisit`, `refused`, `declined` or `surveyed`.
        public var status: String
    }

    /// The most points a street's line has: a street of more doors joins the middles of groups of them.
    public static let pointsPerStreet = 12

    /// The map of the walk list's located doors with their statuses (as ``VisitFunnel`` counts them);
    /// `nil` when no door has a location.
    public static func compute(
        addresses: [WalkListAddress], doors: [VisitFunnel.Door], respondedAddresses: Set<String> = []
    ) -> CampaignMap? {
        let located = addresses.compactMap { address in address.location.map { (address, $0) } }
        guard let first = located.first?.1 else { return nil }
        // A walk list uses one system (the reader refuses a mix); a door in another is left off.
        let same = located.filter { $0.1.system == first.system }
        let raw = same.map { $0.1.metres(from: first) }
        let middle = (
            east: raw.map(\.east).reduce(0, +) / Double(raw.count), north: raw.map(\.north).reduce(0, +) / Double(raw.count)
        )
        let points = raw.map { (east: $0.east - middle.east, north: $0.north - middle.north) }
        let knocks = Dictionary(doors.map { ($0.address, $0) }, uniquingKeysWith: { first, _ in first })

        var mapDoors: [Door] = []
        var byStreet: [String: [(east: Double, north: Double)]] = [:]
        for ((address, _), point) in zip(same, points) {
            let status = VisitFunnel.Status(knocks[address.id], hasResponse: respondedAddresses.contains(address.id))
            mapDoors.append(Door(east: point.east.rounded(), north: point.north.rounded(), status: status.name))
            if let street = address.street?.trimmingCharacters(in: .whitespaces), !street.isEmpty {
                byStreet[street, default: []].append(point)
            }
        }
        let streets = byStreet.keys.sorted().map { name in
            Street(name: name, points: line(through: byStreet[name] ?? []).map { [$0.east.rounded(), $0.north.rounded()] })
        }
        return CampaignMap(system: first.system, streets: streets, doors: mapDoors)
    }

    /// A line along `points`: ordered along the direction they spread most, then the middles of
    /// consecutive groups, at most ``pointsPerStreet`` of them.
    static func line(through points: [(east: Double, north: Double)]) -> [(east: Double, north: Double)] {
        guard points.count > 1 else { return points }
        let n = Double(points.count)
        let mean = (east: points.map(\.east).reduce(0, +) / n, north: points.map(\.north).reduce(0, +) / n)
        var (xx, xy, yy) = (0.0, 0.0, 0.0)
        for point in points {
            let (x, y) = (point.east - mean.east, point.north - mean.north)
            xx += x * x
            xy += x * y
            yy += y * y
        }
        // The principal axis of the points' spread.
        let angle = 0.5 * atan2(2 * xy, xx - yy)
        let direction = (east: cos(angle), north: sin(angle))
        let ordered = points.sorted {
            ($0.east * direction.east + $0.north * direction.north) < ($1.east * direction.east + $1.north * direction.north)
        }
        let size = max(2, Int((Double(ordered.count) / Double(pointsPerStreet)).rounded(.up)))
        return stride(from: 0, to: ordered.count, by: size).map { start in
            let group = ordered[start..<min(start + size, ordered.count)]
            let count = Double(group.count)
            return (group.map(\.east).reduce(0, +) / count, group.map(\.north).reduce(0, +) / count)
        }
    }
}

extension VisitFunnel.Status {
    /// The status's name in figures and on the map.
    public var name: String {
        switch self {
        case .notKnocked: "not_knocked"
        case .noAnswer: "no_answer"
        case .revisit: "revisit"
        case .refused: "refused"
        case .declined: "declined"
        case .surveyed: "surveyed"
        }
    }
}
