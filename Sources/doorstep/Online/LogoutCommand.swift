import ArgumentParser
import DoorstepStore
import Foundation

/// `doorstep logout`: forgets the token; what was recorded stays.
struct LogoutCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logout",
        abstract: "Forget this laptop's token; recorded changes stay and sync after the next login.",
        discussion: "Example: doorstep logout"
    )

    @OptionGroup var home: HomeOptions

    func run() throws {
        let homeURL = try home.homeURL()
        let store = try home.openStore()
        let settings = try store.syncSettings()
        try store.forgetLogin()
        try? FileManager.default.removeItem(at: homeURL.appendingPathComponent(OnlineSession.caFileName))
        let pending = try store.pendingCount()
        let server = settings.server ?? "the server"
        Console.out(
            pending == 0
                ? "Logged out of \(server)."
                : "Logged out of \(server); \(pending) change\(pending == 1 ? "" : "s") wait on this laptop for the next login."
        )
    }
}
