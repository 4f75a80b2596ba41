import Foundation

/// Where a door is, as the walk list gives it: degrees as GPS and web maps give them, or British
/// National Grid metres as AddressBase exports give them. One walk list uses one of the two.
public enum DoorLocation: Sendable, Hashable {
    /// WGS 84 latitude and longitude, in degrees.
    case degrees(latitude: Double, longitude: Double)
    /// British National Grid (OSGB 1936) easting and northing, in metres.
    case grid(easting: Double, northing: Double)

    /// The name of the system, as a walk list's columns say it.
    public var system: String {
        switch self {
        case .degrees: "lat/lon"
        case .grid: "easting/northing"
        }
    }

    /// Metres east and north of `origin` on a flat map: exact for grid references, and for
    /// degrees a local equirectangular projection (within a few metres over a town's streets).
    /// `origin` is a location of the same system.
    public func metres(from origin: DoorLocation) -> (east: Double, north: Double) {
        switch (self, origin) {
        case (.grid(let easting, let northing), .grid(let originEasting, let originNorthing)):
            return (easting - originEasting, northing - originNorthing)
        case (.degrees(let latitude, let longitude), .degrees(let originLatitude, let originLongitude)):
            let radians = originLatitude * .pi / 180
            // Metres per degree on the WGS 84 ellipsoid at the origin's latitude.
            let perLatitude = 111_132.954 - 559.822 * cos(2 * radians) + 1.175 * cos(4 * radians)
            let perLongitude = 111_412.84 * cos(radians) - 93.5 * cos(3 * radians)
            return ((longitude - originLongitude) * perLongitude, (latitude - originLatitude) * perLatitude)
        default:
            return (0, 0)
        }
    }

    /// Reads a location from a walk list's cells (already trimmed, `nil` when empty): both of
    /// `latitude` and `longitude`, or both of `easting` and `northing`; `nil` when none is given.
    /// - Throws: A sentence saying what is wrong: half a pair, both systems, not a number, or out of range.
    static func read(latitude: String?, longitude: String?, easting: String?, northing: String?) throws(LocationProblem) -> DoorLocation? {
        let degrees = latitude != nil || longitude != nil
        let grid = easting != nil || northing != nil
        if degrees, grid {
            throw LocationProblem("The row gives both lat/lon and easting/northing; give one of them.")
        }
        func pair(_ first: (name: String, text: String?), _ second: (name: String, text: String?)) throws(LocationProblem) {
            if first.text == nil { throw LocationProblem("The row gives a \(second.name) but no \(first.name); give both.") }
            if second.text == nil { throw LocationProblem("The row gives a \(first.name) but no \(second.name); give both.") }
        }
        func number(_ text: String?, _ name: String, range: ClosedRange<Double>, unit: String) throws(LocationProblem) -> Double {
            let text = text ?? ""
            guard let value = Double(text), value.isFinite else { throw LocationProblem("The \(name) \"\(text)\" is not a number.") }
            guard range.contains(value) else {
                throw LocationProblem("The \(name) \(text) is outside \(AnswerValue.format(range.lowerBound)) to \(AnswerValue.format(range.upperBound)) \(unit).")
            }
            return value
        }
        if degrees {
            try pair(("latitude", latitude), ("longitude", longitude))
            return .degrees(
                latitude: try number(latitude, "latitude", range: -90...90, unit: "degrees"),
                longitude: try number(longitude, "longitude", range: -180...180, unit: "degrees")
            )
        }
        if grid {
            try pair(("easting", easting), ("northing", northing))
            // The National Grid covers Great Britain: 0–700 km east, 0–1,300 km north.
            return .grid(
                easting: try number(easting, "easting", range: 0...700_000, unit: "metres"),
                northing: try number(northing, "northing", range: 0...1_300_000, unit: "metres")
            )
        }
        return nil
    }

    /// Why a walk list's location cells cannot be read.
    struct LocationProblem: Error {
        var message: String
        init(_ message: String) { self.message = message }
    }
}
