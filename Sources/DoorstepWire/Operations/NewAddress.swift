public import DoorstepCore
import Foundation

/// A door an officer added to a campaign's walk list on the day.
public struct NewAddress: Codable, Hashable, Sendable {
    public var campaign: String
    /// The door; its id is new on the campaign's walk list.
    public var door: WalkListAddress

    public init(campaign: String, door: WalkListAddress) {
        self.campaign = campaign
        self.door = door
    }

    /// Why `door` cannot be added as it is, or `nil`: an id of 1 to 64 characters without spaces
    /// or control characters, and an address line of 1 to 200 characters. The same rule holds on
    /// the laptop and on the server.
    public static func problem(with door: WalkListAddress) -> String? {
        let id = door.id
        if id.isEmpty || id.count > 64 || id.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F }) {
            return "An added door's id is 1 to 64 characters without spaces; '\(id)' is not."
        }
        let line = door.address.trimmingCharacters(in: .whitespaces)
        if line.isEmpty || line.count > 200 {
            return "An added door needs its address, up to 200 characters."
        }
        return nil
    }
}

// MARK: Fast reader and writer

extension NewAddress {
    /// Reads an `address.add` payload from checked JSON text, as `Codable` does.
    package init(json: JSONValue) throws(JSONShapeError) {
        let object = try json.object(["campaign", "door"])
        campaign = try object.required("campaign").string()
        let door = try object.required("door").object([
            "id", "address", "postcode", "street", "area", "uprn", "notes", "added_by", "latitude", "longitude", "easting", "northing",
        ])
        // All four are read, as `Codable` does, so a coordinate of the wrong type is refused.
        let latitude = try door.optional("latitude")?.number(), longitude = try door.optional("longitude")?.number()
        let easting = try door.optional("easting")?.number(), northing = try door.optional("northing")?.number()
        var location: DoorLocation?
        if let latitude, let longitude {
            location = .degrees(latitude: latitude, longitude: longitude)
        } else if let easting, let northing {
            location = .grid(easting: easting, northing: northing)
        }
        self.door = WalkListAddress(
            id: try door.required("id").string(),
            address: try door.required("address").string(),
            postcode: try door.optional("postcode")?.string(),
            street: try door.optional("street")?.string(),
            area: try door.optional("area")?.string(),
            uprn: try door.optional("uprn")?.string(),
            notes: try door.optional("notes")?.strings() ?? [:],
            addedBy: try door.optional("added_by")?.string(),
            location: location
        )
    }

    /// Writes the payload as `JSONEncoder.wire` does.
    package func write(to json: inout JSONWriter) {
        json.raw(#"{"campaign":"#)
        json.string(campaign)
        json.raw(#","door":{"#)
        if let addedBy = door.addedBy {
            json.raw(#""added_by":"#)
            json.string(addedBy)
            json.byte(UInt8(ascii: ","))
        }
        json.raw(#""address":"#)
        json.string(door.address)
        if let area = door.area {
            json.raw(#","area":"#)
            json.string(area)
        }
        if case .grid(let easting, _)? = door.location {
            json.raw(#","easting":"#)
            json.decimal(easting)
        }
        json.raw(#","id":"#)
        json.string(door.id)
        if case .degrees(let latitude, let longitude)? = door.location {
            json.raw(#","latitude":"#)
            json.decimal(latitude)
            json.raw(#","longitude":"#)
            json.decimal(longitude)
        }
        if case .grid(_, let northing)? = door.location {
            json.raw(#","northing":"#)
            json.decimal(northing)
        }
        json.raw(#","notes":{"#)
        for (index, name) in door.notes.keys.sorted().enumerated() {
            if index > 0 { json.byte(UInt8(ascii: ",")) }
            json.string(name)
            json.byte(UInt8(ascii: ":"))
            json.string(door.notes[name]!)
        }
        json.byte(UInt8(ascii: "}"))
        for (key, value) in [(#","postcode":"# as StaticString, door.postcode), (#","street":"#, door.street), (#","uprn":"#, door.uprn)] {
            if let value {
                json.raw(key)
                json.string(value)
            }
        }
        json.raw("}}")
    }
}
