/// Who did the work of a campaign and when: knocks and surveys per officer (by token name) and
/// knocks per hour of the day. For organisers only: a viewer's figures never carry it
/// (``CampaignAggregates/suppressed(after:)`` removes it).
public struct WorkSummary: Codable, Sendable, Hashable {
    /// One officer's (token's) knocks, by name.
    public struct Officer: Codable, Sendable, Hashable {
        /// The token's name, as the server's admin gave it.
        public var name: String
        /// Knocks recorded, every outcome.
        public var knocks: Int
        /// Knocks that surveyed the door (each questionnaire records one).
        public var surveyed: Int

        public init(name: String, knocks: Int, surveyed: Int) {
            self.name = name
            self.knocks = knocks
            self.surveyed = surveyed
        }
    }

    /// The knocks of one hour of the day.
    public struct Hour: Codable, Sendable, Hashable {
        /// The hour's start, local to the server, `HH:00`.
        public var hour: String
        public var knocks: Int

        public init(hour: String, knocks: Int) {
            self.hour = hour
            self.knocks = knocks
        }
    }

    /// Officers, the most knocks first.
    public var officers: [Officer]
    /// Hours with knocks, in order.
    public var hours: [Hour]
    /// The time zone of ``Hour/hour`` (`Europe/London`).
    public var timeZone: String

    public init(officers: [Officer], hours: [Hour], timeZone: String) {
        self.officers = officers
        self.hours = hours
        self.timeZone = timeZone
    }

    private enum CodingKeys: String, CodingKey {
        case officers, hours
        case timeZone = "time_zone"
    }
}
