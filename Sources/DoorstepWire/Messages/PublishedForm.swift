
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
