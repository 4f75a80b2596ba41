public import DoorstepCore
import Foundation

/// A door an officer added to a campaign's walk list on the day.
public struct NewAddress: Codable, Hashable, Sendable {
    public var campaign: String
    /// The door; its id is new on the campaign's walk list.
    public var door: WalkListAddress

    public init(campaign: String, door: WalkListAddress) {
        self.campaign = campaign
        self.door = door
    }

    /// Why `door` cannot be added as it is, or `nil`: an id of 1 to 64 characters without spaces
    /// or control characters, and an address line of 1 to 200 characters. The same rule holds on
    /// the laptop and on the server.
    public static func problem(with door: WalkListAddress) -> String? {
        let id = door.id
        if id.isEmpty || id.count > 64 || id.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F }) {
            return "An added door's id is 1 to 64 characters without spaces; '\(id)' is not."
        }
        let line = door.address.trimmingCharacters(in: .whitespaces)
        if line.isEmpty || line.count > 200 {
            return "An added door needs its address, up to 200 characters."
        }
        return nil
    }
}
