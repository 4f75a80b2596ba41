import ArgumentParser
import DoorstepSealing
import Foundation

/// `--passphrase-file`, shared by the commands that lock or unlock an agency's key file.
struct PassphraseOptions: ParsableArguments {
    @Option(
        name: .customLong("passphrase-file"),
        help: ArgumentHelp(
            "A file whose first line is the key file's passphrase (else $DOORSTEP_KEY_PASSPHRASE, else asked at the terminal).",
            valueName: "file"
        )
    )
    var passphraseFile: String?

    /// The environment variable read when no file is given.
    static let environmentVariable = "DOORSTEP_KEY_PASSPHRASE"

    /// The passphrase: from `--passphrase-file`, else `$DOORSTEP_KEY_PASSPHRASE`, else typed at
    /// the terminal with echo off (twice when `new`, to catch a typing mistake).
    ///
    /// - Throws: A usage error (64) when neither is given and standard input is not a terminal,
    ///   or when the two typed passphrases differ.
    func passphrase(new: Bool) throws -> String {
        if let passphraseFile {
            let text = try Console.readText(passphraseFile, what: "passphrase")
            return String(text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
        }
        if let value = ProcessInfo.processInfo.environment[Self.environmentVariable], !value.isEmpty {
            return value
        }
        guard Console.inputIsTerminal else {
            throw CLIError(
                .usage,
                "The key file's passphrase is needed: give --passphrase-file FILE or set \(Self.environmentVariable), as there is no terminal to ask at."
            )
        }
        let first = try Self.readHidden(new ? "New passphrase (\(AgencyKeyring.minimumPassphraseLength) characters or more): " : "Passphrase: ")
        guard new else { return first }
        let second = try Self.readHidden("The same passphrase again: ")
        guard first == second else { throw CLIError(.usage, "The two passphrases differ; nothing was written.") }
        return first
    }

    /// Reads a line from the terminal on standard input without showing it.
    private static func readHidden(_ prompt: String) throws -> String {
        var saved = termios()
        let hidden = tcgetattr(STDIN_FILENO, &saved) == 0
        if hidden {
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            quiet.c_lflag |= tcflag_t(ECHONL)
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet)
        }
        defer { if hidden { tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved) } }
        Console.prompt(prompt)
        guard let line = Console.readLine() else { throw CLIError(.usage, "No passphrase was typed.") }
        return line
    }
}
