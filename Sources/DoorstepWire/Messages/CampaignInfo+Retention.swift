public import DoorstepCore

extension CampaignInfo {
    /// How long a laptop keeps a synced response's answers when the campaign does not say.
    public static let defaultDeviceRetention = RetentionPeriod(count: 30, unit: .day)

    /// ``deviceRetention`` read as a period; the default when absent or unreadable.
    public var deviceRetentionPeriod: RetentionPeriod {
        deviceRetention.flatMap(RetentionPeriod.init) ?? Self.defaultDeviceRetention
    }
}
