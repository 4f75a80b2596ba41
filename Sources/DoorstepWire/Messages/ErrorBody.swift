
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
