import ArgumentParser
import DoorstepStore
import Foundation

/// `doorstep status`: what waits to be pushed and when the laptop last synced.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show changes waiting to be pushed, the last successful sync and the server.",
        discussion: """
            --json prints an object with pending, urgent, rejected, sent, last_sync (null if never), \
            server, role, logged_in, device, home, forms, campaigns, responses, visits and drafts.
            """
    )

    @OptionGroup var home: HomeOptions
    @Flag(name: .long, help: "Print JSON on stdout.") var json = false

    func run() throws {
        let url = try home.homeURL()
        let status = try home.openStore().status()
        if json {
            try Console.json(StatusJSON(status, home: url.path))
            return
        }
        let server = status.server.map { "\($0)\(status.role.map { " as \($0)" } ?? "")\(status.loggedIn ? "" : " (logged out)")" }
        Console.out("Server     \(server ?? "none: this laptop works standalone")")
        Console.out("Pending    \(status.pending) change\(status.pending == 1 ? "" : "s") waiting to be pushed\(status.urgent > 0 ? " (\(status.urgent) safeguarding, sent first)" : "")")
        if status.rejected > 0 {
            Console.out("Rejected   \(status.rejected) change\(status.rejected == 1 ? "" : "s") refused by the server (see doorstep sync --json)")
        }
        Console.out("Last sync  \(status.lastSync ?? "never")")
        Console.out("Holding    \(status.forms) form versions, \(status.campaigns) campaigns, \(status.responses) responses, \(status.visits) visits, \(status.drafts) drafts")
        Console.out("Device     \(status.device)")
        Console.out("Home       \(url.path)")
    }
}

/// `status --json`; every key present, `null` where there is no value.
struct StatusJSON: Encodable {
    var status: StoreStatus
    var home: String

    init(_ status: StoreStatus, home: String) {
        self.status = status
        self.home = home
    }

    private enum CodingKeys: String, CodingKey {
        case pending, urgent, rejected, sent, server, role, device, home, forms, campaigns, responses, visits, drafts
        case lastSync = "last_sync", loggedIn = "logged_in"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(status.pending, forKey: .pending)
        try container.encode(status.urgent, forKey: .urgent)
        try container.encode(status.rejected, forKey: .rejected)
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
