public import DoorstepCore
public import Foundation

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
    /// The partnership's agencies and their current public keys, on every page.
    public var agencies: [AgencyKey]

    public init(
        cursor: Int64, more: Bool, epoch: String, serverTime: HLCTimestamp,
        forms: [PublishedForm] = [], campaigns: [CampaignInfo] = [], visits: [VisitEvent] = [],
        responses: [ResponseState] = [], agencies: [AgencyKey] = []
    ) {
        self.cursor = cursor
        self.more = more
        self.epoch = epoch
        self.serverTime = serverTime
        self.forms = forms
        self.campaigns = campaigns
        self.visits = visits
        self.responses = responses
        self.agencies = agencies
    }

    private enum CodingKeys: String, CodingKey {
        case cursor, more, epoch, forms, campaigns, visits, responses, agencies
        case serverTime = "server_time"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        cursor = try container.decode(Int64.self, forKey: .cursor)
        more = try container.decode(Bool.self, forKey: .more)
        epoch = try container.decode(String.self, forKey: .epoch)
        serverTime = try container.decode(HLCTimestamp.self, forKey: .serverTime)
        forms = try container.decode([PublishedForm].self, forKey: .forms)
        campaigns = try container.decode([CampaignInfo].self, forKey: .campaigns)
        visits = try container.decode([VisitEvent].self, forKey: .visits)
        responses = try container.decode([ResponseState].self, forKey: .responses)
        agencies = try container.decodeIfPresent([AgencyKey].self, forKey: .agencies) ?? []
    }
}

// MARK: Fast reader and writer

extension PullResponse {
    /// Decodes a pull page from its JSON: the same value `JSONDecoder` gives, in a fraction of the time.
    ///
    /// The responses are read straight from the bytes (``ResponseState/init(json:)``); the page's
    /// rarer parts (forms, campaigns, visits) by `JSONDecoder`. A page this reader does not
    /// expect (a repeated name, a missing or mistyped value) goes to `JSONDecoder` whole, so the
    /// values and errors are `JSONDecoder`'s.
    ///
    /// - Parameter data: The body of `GET /v1/pull`.
    /// - Throws: `DecodingError` when the JSON is not a pull page.
    public static func decode(json data: Data) throws -> PullResponse {
        let fast = data.withUnsafeBytes { raw -> PullResponse? in
            let bytes = JSONBytes(raw.bindMemory(to: UInt8.self))
            guard let root = try? JSONScanner.check(bytes) else { return nil }
            return try? PullResponse(json: JSONValue(bytes, at: root))
        }
        if let fast { return fast }
        return try JSONDecoder().decode(PullResponse.self, from: data)
    }

    /// Reads a page from checked JSON text, as `Codable` does.
    package init(json: JSONValue) throws(JSONShapeError) {
        let object = try json.object(
            ["cursor", "more", "epoch", "server_time", "forms", "campaigns", "visits", "responses", "agencies"], repeatedNames: .refused
        )
        let cursorValue = try object.required("cursor")
        guard let cursor = Int64(exactly: try cursorValue.integer()) else { throw cursorValue.fail("a cursor") }
        self.cursor = cursor
        more = try object.required("more").bool()
        epoch = try object.required("epoch").string()
        serverTime = try object.required("server_time").stamp()
        forms = try object.required("forms").decoded([PublishedForm].self)
        campaigns = try object.required("campaigns").decoded([CampaignInfo].self)
        visits = try object.required("visits").decoded([VisitEvent].self)
        agencies = try object.optional("agencies")?.decoded([AgencyKey].self) ?? []
        responses = []
        for response in try object.required("responses").elements() {
            responses.append(try ResponseState(json: response))
        }
    }

    /// Writes a page as `JSONEncoder.wire` does, around its `responses` written already (the
    /// elements' text joined by commas).
    package static func write(
        cursor: Int64, more: Bool, epoch: String, serverTime: HLCTimestamp, forms: [PublishedForm],
        campaigns: [CampaignInfo], visits: [VisitEvent], responses: [UInt8], agencies: [AgencyKey],
        to json: inout JSONWriter
    ) throws {
        let encoder = JSONEncoder.wire
        json.raw(#"{"agencies":"#)
        json.raw(try encoder.encode(agencies))
        json.raw(#","campaigns":"#)
        json.raw(try encoder.encode(campaigns))
        json.raw(#","cursor":"#)
        json.integer(cursor)
        json.raw(#","epoch":"#)
        json.string(epoch)
        json.raw(#","forms":"#)
        json.raw(try encoder.encode(forms))
        json.raw(#","more":"#)
        json.bool(more)
        json.raw(#","responses":["#)
        json.raw(responses)
        json.raw(#"],"server_time":"#)
        json.stamp(serverTime)
        json.raw(#","visits":"#)
        json.raw(try encoder.encode(visits))
        json.byte(UInt8(ascii: "}"))
    }
}
