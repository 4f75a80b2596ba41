import ArgumentParser
import DoorstepCore
import DoorstepWire
import DoorstepStore
import DoorstepSync
import DoorstepTransport
import Foundation
import Logging

/// `doorstep login`: enrols this laptop with a server after checking the token there.
struct LoginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login",
        abstract: "Enrol this laptop with a Doorstep server (checks the token with the server).",
        discussion: """
            The server and token are kept in the store (mode 0600). With --cacert the CA certificate \
            is copied into the home folder and trusted for every later sync. Pass --token - to read \
            the token from standard input, out of sight of the shell history. A partner agency logs \
            in with its agency token, then lists its follow-ups with doorstep followups.

            Examples:
              doorstep login --server http://127.0.0.1:8080 --token -
              doorstep login --server https://doorstep.example.org --token - --cacert ca.pem
            """
    )

    @OptionGroup var home: HomeOptions
    @OptionGroup var connection: ConnectionOptions
    @Option(help: ArgumentHelp("The server's address, such as https://doorstep.example.org.", valueName: "url"))
    var server: String
    @Option(help: ArgumentHelp("The token an organiser created for you, or - to read it from standard input.", valueName: "token"))
    var token: String
    @Option(help: ArgumentHelp("A PEM file of the certificate authority that signed the server's certificate.", valueName: "file"))
    var cacert: String?

    func validate() throws {
        guard let url = URL(string: server), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
              url.host?.isEmpty == false
        else {
            throw ValidationError("--server must be an http or https address, such as https://doorstep.example.org.")
        }
        if let cacert, !FileManager.default.isReadableFile(atPath: cacert) {
            throw ValidationError("The CA file \(cacert) cannot be read.")
        }
    }

    func run() async throws {
        let logger = connection.logger("doorstep.login")
        if let warning = Self.unencryptedWarning(server) { Console.error(warning) }
        let token = try readToken()
        var base = server
        while base.hasSuffix("/") { base.removeLast() }
        let transport = try HTTPClient(configuration: TransportConfiguration(caFile: cacert), logger: logger)
        let api = ServerAPI(server: URL(string: base)!, token: token, transport: transport, retry: connection.retryPolicy)
        // A server that cannot be connected to at all is most likely a wrong address: say so at once.
        let identity = try await api.whoami(retry: connection.waitsForServer ? nil : api.retry.givingUpWithoutConnection)

        let homeURL = try home.homeURL()
        let store = try home.openStore()
        let installedCA = homeURL.appendingPathComponent(OnlineSession.caFileName)
        try? FileManager.default.removeItem(at: installedCA)
        if let cacert {
            do {
                try FileManager.default.copyItem(at: URL(fileURLWithPath: cacert), to: installedCA)
                try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: installedCA.path)
            } catch {
                throw CLIError(.usage, "The CA file \(cacert) cannot be copied into \(homeURL.path).")
            }
        }
        try store.saveLogin(server: base, token: token, role: identity.role)
        try store.observeServerTime(identity.serverTime)
        Console.out("Logged in to \(base) as \(identity.name) (\(identity.role)).")
        try await warnAboutUnknownCampaigns(api: api, store: store, logger: logger)
    }

    /// Campaigns made on this laptop that the server does not know: what was recorded for them
    /// is held by the server until an organiser creates them there with the same id.
    private func warnAboutUnknownCampaigns(api: ServerAPI, store: ClientStore, logger: Logger) async throws {
        let local = try store.campaigns()
        guard !local.isEmpty else { return }
        let known: Set<String>
        do {
            known = Set(try await api.campaigns().map(\.id))
        } catch {
            logger.warning("Could not list the server's campaigns to compare them with this laptop's.", metadata: ["error": "\(error)"])
            return
        }
        for id in local.map(\.campaign.id) where !known.contains(id) {
            let warning = "Warning: the server does not know campaign \(id), made on this laptop. What was recorded for it "
                + "is held by the server, and sent again at every sync, until an organiser creates a campaign "
                + "\(id) there (doorstep-server campaigns create --id \(id) ...)."
            Console.error(warning)
        }
    }

    /// A warning for a plain `http://` address that is not this machine: the token, and every
    /// answer a sync carries, would cross the network unencrypted. `nil` for `https://` and for
    /// loopback (`localhost`, `127.x.x.x`, `::1`), where nothing leaves the machine.
    static func unencryptedWarning(_ server: String) -> String? {
        guard let url = URL(string: server), url.scheme?.lowercased() == "http", var host = url.host?.lowercased() else { return nil }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host == "localhost" || host.hasSuffix(".localhost") || host.hasPrefix("127.") || host == "::1" { return nil }
        return "Warning: \(server) is plain http: the token and residents' answers would cross the network unencrypted. "
            + "Use https:// (see docs/operations.md) unless this network is yours alone."
    }

    private func readToken() throws -> String {
        let text = token == "-" ? Console.readLine() ?? "" : token
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw CLIError(.usage, "The token is empty.") }
        return trimmed
    }
}
