/// How a campaign stands while the day goes on, for organisers: each laptop's last contact and
/// what it brought, doors per street against the walk list, knocks per hour, safeguarding concerns
/// as they land and doors marked do-not-contact. `GET /v1/campaigns/{id}/progress`; viewers never
/// see it.
public struct CampaignProgress: Codable, Sendable, Hashable {
    /// One laptop (device) that sent anything for the campaign.
    public struct Laptop: Codable, Sendable, Hashable {
        public var device: String
        /// The name of the token it last pushed with.
        public var officer: String
        /// When the server last received an operation from it, ISO 8601.
        public var lastContact: String
        /// Knocks and responses it recorded for the campaign.
        public var knocks: Int
        public var responses: Int

        public init(device: String, officer: String, lastContact: String, knocks: Int, responses: Int) {
            self.device = device
            self.officer = officer
            self.lastContact = lastContact
            self.knocks = knocks
            self.responses = responses
        }

        private enum CodingKeys: String, CodingKey {
            case device, officer, knocks, responses
            case lastContact = "last_contact"
        }
    }

    /// One street of the walk list.
    public struct Street: Codable, Sendable, Hashable {
        public var street: String
        public var doors: Int
        public var knocked: Int
        public var surveyed: Int

        public init(street: String, doors: Int, knocked: Int, surveyed: Int) {
            self.street = street
            self.doors = doors
            self.knocked = knocked
            self.surveyed = surveyed
        }
    }

    /// A response that flags a safeguarding concern.
    public struct Concern: Codable, Sendable, Hashable {
        /// The response's id, lower case.
        public var response: String
        public var address: String
        public var officer: String
        /// When the officer saved it, ISO 8601.
        public var recordedAt: String

        public init(response: String, address: String, officer: String, recordedAt: String) {
            self.response = response
            self.address = address
            self.officer = officer
            self.recordedAt = recordedAt
        }

        private enum CodingKeys: String, CodingKey {
            case response, address, officer
            case recordedAt = "recorded_at"
        }
    }

    public var campaign: String
    public var name: String
    /// When the server put this together, ISO 8601.
    public var generatedAt: String
    /// Laptops, the most recently heard first.
    public var laptops: [Laptop]
    /// Streets in name order; doors with no street count under the campaign only.
    public var streets: [Street]
    /// The whole walk list: doors, knocked, surveyed.
    public var total: Street
    /// Knocks per hour of the day (the server's time zone).
    public var hours: [WorkSummary.Hour]
    /// Safeguarding concerns, the newest first.
    public var concerns: [Concern]
    /// Address ids marked do-not-contact, in walk-list order.
    public var doNotContact: [String]
    /// Follow-ups by agency and outcome (counts only); empty when the form routes none.
    public var followUps: [FollowUpCompletion]

    public init(
        campaign: String, name: String, generatedAt: String, laptops: [Laptop], streets: [Street], total: Street,
        hours: [WorkSummary.Hour], concerns: [Concern], doNotContact: [String], followUps: [FollowUpCompletion] = []
    ) {
        self.campaign = campaign
        self.name = name
        self.generatedAt = generatedAt
        self.laptops = laptops
        self.streets = streets
        self.total = total
        self.hours = hours
        self.concerns = concerns
        self.doNotContact = doNotContact
        self.followUps = followUps
    }

    private enum CodingKeys: String, CodingKey {
        case campaign, name, laptops, streets, total, hours, concerns
        case generatedAt = "generated_at", doNotContact = "do_not_contact", followUps = "follow_ups"
    }
}
