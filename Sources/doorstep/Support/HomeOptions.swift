import ArgumentParser
import DoorstepStore
import Foundation

/// `--home`, shared by every command that uses the store.
struct HomeOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The folder holding this laptop's store (default: $DOORSTEP_HOME, else ~/.local/share/doorstep).",
            valueName: "dir"
        )
    )
    var home: String?

    /// The home folder: `--home`, else `$DOORSTEP_HOME`, else `~/.local/share/doorstep`.
    func homeURL() throws -> URL {
        let environment = ProcessInfo.processInfo.environment
        if let home, !home.isEmpty { return URL(fileURLWithPath: home) }
        if let home = environment["DOORSTEP_HOME"], !home.isEmpty { return URL(fileURLWithPath: home) }
        guard let user = environment["HOME"], !user.isEmpty else {
            throw CLIError(.usage, "No Doorstep home is set: pass --home DIR or set DOORSTEP_HOME.")
        }
        return URL(fileURLWithPath: user).appendingPathComponent(".local/share/doorstep")
    }

    /// Accepts `--home DIR` before the command too (`doorstep --home DIR status`), as the same
    /// option after it: the leading option becomes `$DOORSTEP_HOME` for this run. Returns the
    /// arguments without it.
    static func takingLeadingHome(_ arguments: [String]) -> [String] {
        guard let first = arguments.first else { return arguments }
        if first == "--home", arguments.count >= 2 {
            setenv("DOORSTEP_HOME", arguments[1], 1)
            return Array(arguments.dropFirst(2))
        }
        if first.hasPrefix("--home=") {
            setenv("DOORSTEP_HOME", String(first.dropFirst("--home=".count)), 1)
            return Array(arguments.dropFirst())
        }
        return arguments
    }

    /// Opens (creating if needed) the store in the home folder, first setting a home that others
    /// may read or enter back to mode 0700: it holds the sync token and personal data.
    func openStore() throws -> ClientStore {
        let home = try homeURL()
        if let mode = (try? FileManager.default.attributesOfItem(atPath: home.path))?[.posixPermissions] as? Int,
           mode & 0o077 != 0 {
            do {
                try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: home.path)
            } catch {
                throw CLIError(.usage, "The home folder \(home.path) is open to other users and cannot be set to mode 0700.")
            }
        }
        return try ClientStore(home: home)
    }
}
