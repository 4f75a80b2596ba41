public import DoorstepCore

/// A day of action and its walk list.
public struct CampaignInfo: Codable, Sendable, Hashable {
    public var id: String
    public var name: String
    public var form: String
    public var date: String?
    public var area: String?
    public var addresses: [WalkListAddress]
    /// How long a laptop keeps residents' answers once they are synced (`RetentionPeriod` text,
    /// `30 days` unless the campaign says); afterwards it keeps door status only.
    public var deviceRetention: String?

    public init(
        id: String, name: String, form: String, date: String? = nil, area: String? = nil,
        addresses: [WalkListAddress], deviceRetention: String? = nil
    ) {
        self.id = id
        self.name = name
        self.form = form
        self.date = date
        self.area = area
        self.addresses = addresses
        self.deviceRetention = deviceRetention
    }

    private enum CodingKeys: String, CodingKey {
        case id, name, form, date, area, addresses
        case deviceRetention = "device_retention"
    }
}
