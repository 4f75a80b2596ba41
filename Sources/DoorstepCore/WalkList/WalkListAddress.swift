/// One door on a walk list.
public struct WalkListAddress: Codable, Sendable, Hashable {
    public var id: String
    public var address: String
    public var postcode: String?
    public var street: String?
    public var area: String?
    public var uprn: String?
    /// Other columns of the walk list, kept as notes.
    public var notes: [String: String]
    /// Set when an officer added the door on the day (`address.add`): who added it, as the
    /// server names the token ("this laptop" until the server has it).
    public var addedBy: String?
    /// Where the door is, when the walk list says.
    public var location: DoorLocation?

    public init(
        id: String, address: String, postcode: String? = nil, street: String? = nil,
        area: String? = nil, uprn: String? = nil, notes: [String: String] = [:], addedBy: String? = nil,
        location: DoorLocation? = nil
    ) {
        self.id = id
        self.address = address
        self.postcode = postcode
        self.street = street
        self.area = area
        self.uprn = uprn
        self.notes = notes
        self.addedBy = addedBy
        self.location = location
    }

    private enum CodingKeys: String, CodingKey {
        case id, address, postcode, street, area, uprn, notes
        case addedBy = "added_by"
        case latitude, longitude, easting, northing
    }

    /// Encodes the address; a location as `latitude` and `longitude`, or `easting` and `northing`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(address, forKey: .address)
        try container.encodeIfPresent(postcode, forKey: .postcode)
        try container.encodeIfPresent(street, forKey: .street)
        try container.encodeIfPresent(area, forKey: .area)
        try container.encodeIfPresent(uprn, forKey: .uprn)
        try container.encode(notes, forKey: .notes)
        try container.encodeIfPresent(addedBy, forKey: .addedBy)
        switch location {
        case .degrees(let latitude, let longitude)?:
            try container.encode(latitude, forKey: .latitude)
            try container.encode(longitude, forKey: .longitude)
        case .grid(let easting, let northing)?:
            try container.encode(easting, forKey: .easting)
            try container.encode(northing, forKey: .northing)
        case nil:
            break
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        address = try container.decode(String.self, forKey: .address)
        postcode = try container.decodeIfPresent(String.self, forKey: .postcode)
        street = try container.decodeIfPresent(String.self, forKey: .street)
        area = try container.decodeIfPresent(String.self, forKey: .area)
        uprn = try container.decodeIfPresent(String.self, forKey: .uprn)
        notes = try container.decodeIfPresent([String: String].self, forKey: .notes) ?? [:]
        addedBy = try container.decodeIfPresent(String.self, forKey: .addedBy)
        // All four are read, so a coordinate of the wrong type is refused even beside a full pair.
        let latitude = try container.decodeIfPresent(Double.self, forKey: .latitude)
        let longitude = try container.decodeIfPresent(Double.self, forKey: .longitude)
        let easting = try container.decodeIfPresent(Double.self, forKey: .easting)
        let northing = try container.decodeIfPresent(Double.self, forKey: .northing)
        if let latitude, let longitude {
            location = .degrees(latitude: latitude, longitude: longitude)
        } else if let easting, let northing {
            location = .grid(easting: easting, northing: northing)
        }
    }
}
