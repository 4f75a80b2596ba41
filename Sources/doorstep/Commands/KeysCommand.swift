import ArgumentParser
import DoorstepCore
import DoorstepSealing
import Foundation

/// `doorstep keys`: an agency's own key pair, on the agency's own machine.
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Make and rotate a partner agency's key pair (on the agency's own machine).",
        discussion: """
            The key file holds the agency's private keys, locked with a passphrase (at least 12 \
            characters); it never leaves the agency. The .pub file next to it is the public key to \
            send to the partnership's admin: laptops seal the residents' contact details to it. The \
            passphrase is read from --passphrase-file, else $DOORSTEP_KEY_PASSPHRASE, else asked at \
            the terminal. See docs/agency-guide.md.

            The key file is kept in the Doorstep home unless --output names another place: \
            doorstep followups, keys show and keys rotate find it there.

            Examples:
              doorstep keys generate --agency fire
              doorstep keys show
              doorstep keys rotate --key /secure/fire.key
            """,
        subcommands: [Generate.self, Rotate.self, Show.self]
    )

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make an agency's key file (mode 0600) and its public key file.",
            discussion: """
                Writes FILE (default AGENCY.key in the Doorstep home, where doorstep followups \
                looks for it) and AGENCY.pub next to it; refuses to replace either. Back the key \
                file up somewhere safe and keep the passphrase apart from it: without both, sealed \
                answers cannot be opened by anyone.

                Example: doorstep keys generate --agency fire --output /secure/fire.key
                """
        )

        @Option(help: ArgumentHelp("The agency's id, as the partnership's forms name it (such as fire).", valueName: "id"))
        var agency: String
        @Option(help: ArgumentHelp("The key file to write (default: AGENCY.key in the Doorstep home).", valueName: "file"))
        var output: String?
        @OptionGroup var passphrase: PassphraseOptions
        @OptionGroup var home: HomeOptions

        func validate() throws {
            guard AgencyID.isValid(agency) else { throw ValidationError("'\(agency)' is not an agency id: \(AgencyID.rule).") }
        }

        func run() throws {
            let keyFile = try output.map { URL(fileURLWithPath: $0) } ?? AgencyKeyFile.inHome(home, agency: agency)
            let publicFile = keyFile.deletingLastPathComponent().appendingPathComponent("\(agency).pub")
            for file in [keyFile, publicFile] where FileManager.default.fileExists(atPath: file.path) {
                throw CLIError(.usage, "\(file.path) already exists; nothing was written (move it away, or choose another --output).")
            }
            let secret = try passphrase.passphrase(new: true)
            let keyring = try sealing { try AgencyKeyring.generate(agency: agency, created: Console.now()) }
            if output == nil {
                // The home, made readable by this account alone, as for the store it also holds.
                _ = try home.openStore()
            }
            try KeyFiles.write(try sealing { try keyring.fileText(passphrase: secret) }, to: keyFile, replacing: false, mode: 0o600)
            try KeyFiles.write(keyring.currentPublicKey.fileText, to: publicFile, replacing: false, mode: 0o644)
            Console.out("Key file:    \(keyFile.path) (mode 0600)")
            Console.out("Public key:  \(publicFile.path)")
            Console.out("Key id:      \(keyring.currentPublicKey.keyID)")
            Console.out("Back the key file up now (an encrypted USB stick in a safe) and keep the passphrase apart from it; "
                + "send only the .pub file to the partnership's admin.")
        }
    }

    struct Rotate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a newer key to an agency's key file and write its public key file.",
            discussion: """
                Older keys stay in the file, so answers sealed to them still open; answers sealed \
                after the admin registers the new .pub go to the new key. The file keeps its \
                passphrase. Back the rewritten key file up again.

                Example: doorstep keys rotate
                """
        )

        @Option(help: ArgumentHelp("The agency's key file (default: the one in the Doorstep home).", valueName: "file"))
        var key: String?
        @OptionGroup var passphrase: PassphraseOptions
        @OptionGroup var home: HomeOptions

        func run() throws {
            let key = try AgencyKeyFile.named(key, home: home)
            let keyFile = URL(fileURLWithPath: key)
            let text = try Console.readText(key, what: "key")
            let secret = try passphrase.passphrase(new: false)
            var keyring = try sealing { try AgencyKeyring(fileText: text, passphrase: secret) }
            let newKey = try sealing { try keyring.rotate(created: Console.now()) }
            let publicFile = keyFile.deletingLastPathComponent().appendingPathComponent("\(keyring.agency).pub")
            try KeyFiles.write(try sealing { try keyring.fileText(passphrase: secret) }, to: keyFile, replacing: true, mode: 0o600)
            try KeyFiles.write(newKey.fileText, to: publicFile, replacing: true, mode: 0o644)
            Console.out("Key file:    \(keyFile.path) (\(keyring.publicKeys.count) keys, the new one first)")
            Console.out("Public key:  \(publicFile.path)")
            Console.out("Key id:      \(newKey.keyID)")
            Console.out("Back the rewritten key file up, and send the new .pub file to the partnership's admin.")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the public keys in an agency's key file, newest first (no passphrase needed).",
            discussion: "Example: doorstep keys show --key /secure/fire.key"
        )

        @Option(help: ArgumentHelp("The agency's key file (default: the one in the Doorstep home).", valueName: "file"))
        var key: String?
        @OptionGroup var home: HomeOptions

        func run() throws {
            let text = try Console.readText(try AgencyKeyFile.named(key, home: home), what: "key")
            let (agency, keys) = try sealing { try AgencyKeyring.publicKeys(fileText: text) }
            Console.out("Agency \(agency)")
            Console.table(["KEY ID", "CREATED", "PUBLIC KEY"], keys.map { [$0.key.keyID, $0.created, $0.key.base64] })
        }
    }
}

/// Runs a sealing step, turning its error into a data error (65), or a usage error (64) for a
/// passphrase that is too short or does not unlock the file.
func sealing<Value>(_ body: () throws -> Value) throws -> Value {
    do {
        return try body()
    } catch let error as SealingError {
        switch error {
        case .weakPassphrase, .wrongPassphrase: throw CLIError(.usage, "\(error)")
        default: throw CLIError(.dataError, "\(error)")
        }
    }
}

/// Writing key files.
enum KeyFiles {
    /// Writes `text` to `url` with `mode`: a new file only, unless `replacing`, in which case it is
    /// written beside and renamed over the old one, so a crash leaves one or the other whole.
    static func write(_ text: String, to url: URL, replacing: Bool, mode: mode_t) throws {
        let target = replacing ? url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).new") : url
        if replacing { unlink(target.path) }
        let descriptor = open(target.path, O_WRONLY | O_CREAT | O_EXCL, mode)
        guard descriptor >= 0 else {
            throw CLIError(.usage, "\(target.path) cannot be written: \(String(cString: strerror(errno))).")
        }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor) == 0
        close(descriptor)
        guard written == bytes.count, synced else {
            unlink(target.path)
            throw CLIError(.usage, "\(target.path) could not be written whole.")
        }
        _ = chmod(target.path, mode)
        if replacing, rename(target.path, url.path) != 0 {
            unlink(target.path)
            throw CLIError(.usage, "\(url.path) cannot be replaced: \(String(cString: strerror(errno))).")
        }
    }
}
