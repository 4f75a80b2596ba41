
/// `POST /v1/push`: a batch of operations from one device.
public struct PushRequest: Codable, Sendable, Hashable {
    public var device: String
    public var operations: [SyncOperation]

    public init(device: String, operations: [SyncOperation]) {
        self.device = device
        self.operations = operations
    }
}
