public import DoorstepCore

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
