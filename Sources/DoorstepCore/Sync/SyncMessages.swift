public import Foundation

/// `POST /v1/push`: a batch of operations from one device.
public struct PushRequest: Codable, Sendable, Hashable {
    public var device: String
    public var operations: [SyncOperation]

    public init(device: String, operations: [SyncOperation]) {
        self.device = device
        self.operations = operations
    }
}

/// The server's answer to a push: one result per operation, in the order sent.
public struct PushResponse: Codable, Sendable, Hashable {
    public var results: [OperationResult]
    /// The server's clock, so devices move their clocks past it.
    public var serverTime: HLCTimestamp
    /// The server's epoch; a new one means the server was restored and devices re-send.
    public var epoch: String

    public init(results: [OperationResult], serverTime: HLCTimestamp, epoch: String) {
        self.results = results
        self.serverTime = serverTime
        self.epoch = epoch
    }

    private enum CodingKeys: String, CodingKey {
        case results, epoch
        case serverTime = "server_time"
    }
}

/// What the server did with one operation. A repeated operation that was applied or rejected gets
/// the first result again; a held one is looked at afresh.
public struct OperationResult: Codable, Sendable, Hashable {
    /// The outcome of one operation.
    public enum Status: String, Codable, Sendable, Hashable {
        /// Stored now or by an earlier push of the same operation id.
        case applied
        /// Not applied yet: the server lacks what it needs (an unknown campaign, form version or
        /// response) and may have it later. The device keeps it and sends it again at every sync.
        case held
        /// Refused for good; `reason` says why. Retrying will not help.
        case rejected
    }

    public var id: UUID
    public var status: Status
    /// A sentence for people when held or rejected.
    public var reason: String?
    /// How many field values this operation left in conflict.
    public var conflicts: Int

    public init(id: UUID, status: Status, reason: String? = nil, conflicts: Int = 0) {
        self.id = id
        self.status = status
        self.reason = reason
        self.conflicts = conflicts
    }
}

/// `GET /v1/pull?cursor=C&limit=N`: a page of everything the device should see since `cursor`.
public struct PullResponse: Codable, Sendable, Hashable {
    public var cursor: Int64
    /// More pages wait after this one.
    public var more: Bool
    public var epoch: String
    public var serverTime: HLCTimestamp
    public var forms: [PublishedForm]
    public var campaigns: [CampaignInfo]
    public var visits: [VisitEvent]
    public var responses: [ResponseState]

    public init(
        cursor: Int64, more: Bool, epoch: String, serverTime: HLCTimestamp,
        forms: [PublishedForm] = [], campaigns: [CampaignInfo] = [], visits: [VisitEvent] = [],
        responses: [ResponseState] = []
    ) {
        self.cursor = cursor
        self.more = more
        self.epoch = epoch
        self.serverTime = serverTime
        self.forms = forms
        self.campaigns = campaigns
        self.visits = visits
        self.responses = responses
    }

    private enum CodingKeys: String, CodingKey {
        case cursor, more, epoch, forms, campaigns, visits, responses
        case serverTime = "server_time"
    }
}

/// A form version as published: its YAML source, parsed again by each device with the core.
public struct PublishedForm: Codable, Sendable, Hashable {
    public var id: String
    public var version: String
    public var source: String

    public init(id: String, version: String, source: String) {
        self.id = id
        self.version = version
        self.source = source
    }
}

/// A day of action and its walk list.
public struct CampaignInfo: Codable, Sendable, Hashable {
    public var id: String
    public var name: String
    public var form: String
    public var date: String?
    public var area: String?
    public var addresses: [WalkListAddress]

    public init(
        id: String, name: String, form: String, date: String? = nil, area: String? = nil,
        addresses: [WalkListAddress]
    ) {
        self.id = id
        self.name = name
        self.form = form
        self.date = date
        self.area = area
        self.addresses = addresses
    }
}

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
        if let latitude = try container.decodeIfPresent(Double.self, forKey: .latitude),
           let longitude = try container.decodeIfPresent(Double.self, forKey: .longitude) {
            location = .degrees(latitude: latitude, longitude: longitude)
        } else if let easting = try container.decodeIfPresent(Double.self, forKey: .easting),
                  let northing = try container.decodeIfPresent(Double.self, forKey: .northing) {
            location = .grid(easting: easting, northing: northing)
        }
    }
}

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

/// The merged state of one response, as the server holds it.
public struct ResponseState: Codable, Sendable, Hashable {
    public var id: UUID
    public var campaign: String
    public var address: String
    public var form: String
    public var formVersion: String
    public var recordedAt: String
    public var device: String
    /// Every field's winning value and stamp; a cleared field has a `nil` value.
    public var fields: [String: FieldValue]
    /// Set when a resident withdrew consent; erased fields are absent from `fields`.
    public var erased: Erasure.Scope?

    public init(
        id: UUID, campaign: String, address: String, form: String, formVersion: String,
        recordedAt: String, device: String, fields: [String: FieldValue], erased: Erasure.Scope? = nil
    ) {
        self.id = id
        self.campaign = campaign
        self.address = address
        self.form = form
        self.formVersion = formVersion
        self.recordedAt = recordedAt
        self.device = device
        self.fields = fields
        self.erased = erased
    }

    private enum CodingKeys: String, CodingKey {
        case id, campaign, address, form, device, fields, erased
        case formVersion = "form_version", recordedAt = "recorded_at"
    }
}

/// A field's current value and the stamp of the write that set it.
public struct FieldValue: Codable, Sendable, Hashable {
    public var value: AnswerValue?
    public var stamp: HLCTimestamp

    public init(value: AnswerValue?, stamp: HLCTimestamp) {
        self.value = value
        self.stamp = stamp
    }
}

/// A value kept because it was overwritten concurrently, as organisers see it.
public struct ConflictInfo: Codable, Sendable, Hashable {
    /// Stable id: derived from the response, the field and the losing write's stamp.
    public var id: String
    public var response: UUID
    public var campaign: String
    public var field: String
    /// The value that lost, and who wrote it when.
    public var value: AnswerValue?
    public var stamp: HLCTimestamp
    public var device: String
    /// The name of the token that sent the losing write (the officer), when the server knows it.
    public var officer: String?
    /// The value the field holds now.
    public var current: AnswerValue?
    public var currentStamp: HLCTimestamp

    public init(
        id: String, response: UUID, campaign: String, field: String, value: AnswerValue?,
        stamp: HLCTimestamp, device: String, officer: String? = nil, current: AnswerValue?, currentStamp: HLCTimestamp
    ) {
        self.officer = officer
        self.id = id
        self.response = response
        self.campaign = campaign
        self.field = field
        self.value = value
        self.stamp = stamp
        self.device = device
        self.current = current
        self.currentStamp = currentStamp
    }

    private enum CodingKeys: String, CodingKey {
        case id, response, campaign, field, value, stamp, device, officer, current
        case currentStamp = "current_stamp"
    }

    /// Encodes as the synthesized conformance would (a value that is `nil` left out), but the
    /// response id in lower case as Doorstep prints ids (``Foundation/UUID/lowercasedString``).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(response.lowercasedString, forKey: .response)
        try container.encode(campaign, forKey: .campaign)
        try container.encode(field, forKey: .field)
        try container.encodeIfPresent(value, forKey: .value)
        try container.encode(stamp, forKey: .stamp)
        try container.encode(device, forKey: .device)
        try container.encodeIfPresent(officer, forKey: .officer)
        try container.encodeIfPresent(current, forKey: .current)
        try container.encode(currentStamp, forKey: .currentStamp)
    }
}

/// The JSON body of every error the server returns.
public struct ErrorBody: Codable, Sendable, Hashable {
    /// A stable machine code, such as `"unauthorized"` or `"payload_too_large"`.
    public var error: String
    /// One sentence for people.
    public var message: String

    public init(error: String, message: String) {
        self.error = error
        self.message = message
    }
}
