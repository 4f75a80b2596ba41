import DoorstepWire

extension PushRequest {
    /// Checks and reads a whole push body as the server reads one: a `recorded_at` must be a real
    /// RFC 3339 time (how far ahead of the clock it may be is judged per operation, later).
    ///
    /// - Throws: ``APIError/badRequest(_:)`` naming where the body goes wrong.
    static func read(body: [UInt8]) throws(APIError) -> (request: PushRequest, texts: [String]) {
        do {
            return try read(body, recordedAt: RecordedAtRule.anyTime.check)
        } catch {
            throw APIError.badRequest(error.message)
        }
    }
}
