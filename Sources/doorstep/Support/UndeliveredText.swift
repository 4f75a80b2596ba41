import DoorstepCore
import DoorstepStore
import Foundation

/// How `sync`, `status` and `responses` word operations the server held or rejected.
enum UndeliveredText {
    /// "1 change", "13 changes".
    static func count(_ number: Int, _ noun: String) -> String { "\(number) \(noun)\(number == 1 ? "" : "s")" }

    /// The stderr line for a safeguarding concern the server has not taken, printed every time.
    static func safeguardingWarning(_ operation: UndeliveredOperation) -> String {
        let place = [operation.campaign.map { "campaign \($0)" }, operation.address.map { "address \($0)" }]
            .compactMap { $0 }.joined(separator: ", ")
        let what = operation.response.map { "response \($0.lowercasedString)" } ?? "operation \(operation.id.lowercasedString)"
        let state = operation.state == .held ? "held by the server" : "REJECTED by the server"
        return "Safeguarding concern NOT delivered (\(state)): \(what)\(place.isEmpty ? "" : " (\(place))"): \(operation.reason)"
    }

    /// One line per state and reason, with how many operations share it.
    static func groups(_ operations: [UndeliveredOperation]) -> [String] {
        var order: [String] = []
        var counts: [String: Int] = [:]
        for operation in operations {
            let key = (operation.state == .held ? "Held (sent again at every sync): " : "Rejected (kept until discarded): ") + operation.reason
            if counts[key] == nil { order.append(key) }
            counts[key, default: 0] += 1
        }
        return order.map { key in "\(key) [\(count(counts[key] ?? 0, "change"))]" }
    }
}
