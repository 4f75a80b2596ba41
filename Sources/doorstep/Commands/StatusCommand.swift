import DoorstepCore
import ArgumentParser
import DoorstepStore
import Foundation

/// `doorstep status`: what waits to be pushed and when the laptop last synced.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show changes waiting to be pushed, the last successful sync and the server.",
        discussion: """
            Changes the server held (sent again at every sync) or rejected (kept until you discard \
            them) are listed with the server's reason, safeguarding concerns first, on stderr. \
            --json prints an object with pending, urgent, held, rejected, discarded, sent, \
            last_sync (null if never), server, role, logged_in, device, home, forms, campaigns, \
            responses, visits, drafts and undelivered (each held or rejected change: id, type, \
            state, reason, response, campaign, address, safeguarding).

            Examples:
              doorstep status
              doorstep status --json
            """
    )

    @OptionGroup var home: HomeOptions
    @Flag(name: .long, help: "Print JSON on stdout.") var json = false

    func run() throws {
        let url = try home.homeURL()
        let store = try home.openStore()
        let status = try store.status()
        let undelivered = try store.undeliveredOperations()
        for concern in undelivered where concern.safeguarding {
            Console.error(UndeliveredText.safeguardingWarning(concern))
        }
        if json {
            try Console.json(StatusJSON(status, undelivered: undelivered, home: url.path))
            return
        }
        let server = status.server.map { "\($0)\(status.role.map { " as \($0)" } ?? "")\(status.loggedIn ? "" : " (logged out)")" }
        Console.out("Server     \(server ?? "none: this laptop works standalone")")
        Console.out("Pending    \(status.pending) change\(status.pending == 1 ? "" : "s") waiting to be pushed\(status.urgent > 0 ? " (\(status.urgent) safeguarding, sent first)" : "")")
        if status.held > 0 {
            Console.out("Held       \(UndeliveredText.count(status.held, "change")) the server holds until it has what they need; sent again at every sync")
        }
        if status.rejected > 0 {
            Console.out("Rejected   \(UndeliveredText.count(status.rejected, "change")) the server refused; kept here until discarded (doorstep discard OP_ID)")
        }
        Console.out("Last sync  \(status.lastSync ?? "never")")
        Console.out("Holding    \(status.forms) form versions, \(status.campaigns) campaigns, \(status.responses) responses, \(status.visits) visits, \(status.drafts) drafts")
        Console.out("Device     \(status.device)")
        Console.out("Home       \(url.path)")
        guard !undelivered.isEmpty else { return }
        Console.out()
        Console.table(
            ["OPERATION", "STATE", "TYPE", "RESPONSE", "REASON"],
            undelivered.map { operation in
                [
                    operation.id.lowercasedString, operation.state.rawValue, operation.type,
                    operation.response.map { String($0.lowercasedString.prefix(8)) } ?? "-", operation.reason,
                ]
            }
        )
    }
}

/// `status --json`; every key present, `null` where there is no value.
struct StatusJSON: Encodable {
    var status: StoreStatus
    var undelivered: [UndeliveredOperation]
    var home: String

    init(_ status: StoreStatus, undelivered: [UndeliveredOperation], home: String) {
        self.status = status
        self.undelivered = undelivered
        self.home = home
    }

    private enum CodingKeys: String, CodingKey {
        case pending, urgent, held, rejected, discarded, undelivered, sent, server, role, device, home, forms, campaigns, responses, visits, drafts
        case lastSync = "last_sync", loggedIn = "logged_in"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(status.pending, forKey: .pending)
        try container.encode(status.urgent, forKey: .urgent)
        try container.encode(status.held, forKey: .held)
        try container.encode(status.rejected, forKey: .rejected)
        try container.encode(status.discarded, forKey: .discarded)
        try container.encode(undelivered, forKey: .undelivered)
        try container.encode(status.sent, forKey: .sent)
        try container.encode(status.lastSync, forKey: .lastSync)
        try container.encode(status.server, forKey: .server)
        try container.encode(status.role, forKey: .role)
        try container.encode(status.loggedIn, forKey: .loggedIn)
        try container.encode(status.device, forKey: .device)
        try container.encode(home, forKey: .home)
        try container.encode(status.forms, forKey: .forms)
        try container.encode(status.campaigns, forKey: .campaigns)
        try container.encode(status.responses, forKey: .responses)
        try container.encode(status.visits, forKey: .visits)
        try container.encode(status.drafts, forKey: .drafts)
    }
}
