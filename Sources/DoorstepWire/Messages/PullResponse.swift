public import DoorstepCore

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
