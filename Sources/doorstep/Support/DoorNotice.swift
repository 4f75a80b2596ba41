import DoorstepCore
import DoorstepStore
import Foundation

/// What an officer must know before knocking at a door: the walk list's notes, the latest knock,
/// and a warning, with a question to confirm, when any team surveyed the door already or was
/// asked not to come back.
struct DoorNotice {
    let state: AddressState

    /// The walk list's notes of the door, one line: a single note as written, several as
    /// `column: note` in the order of their column names.
    static func notes(_ address: WalkListAddress) -> String? {
        guard !address.notes.isEmpty else { return nil }
        if address.notes.count == 1 { return address.notes.values.first }
        return address.notes.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "; ")
    }

    /// Lines that tell the officer about the door.
    var information: [String] {
        var lines: [String] = []
        if let notes = Self.notes(state.address) { lines.append("Notes: \(notes)") }
        if let at = state.lastVisit {
            var line = "Last knock: \(state.status.label), \(Self.localTime(at))"
            if let callBack = state.callBack { line += "; call back \(callBack)" }
            if let note = state.lastNote { line += " — \(note)" }
            lines.append(line + ".")
        }
        return lines
    }

    /// Why the officer should think twice before going on, or `nil`.
    var warning: String? {
        switch state.status {
        case .doNotContact:
            "Do not contact: the resident asked not to be contacted again."
        case .surveyed:
            "This door was surveyed already\(state.hasResponse ? "" : " (by another team)")."
        default:
            nil
        }
    }

    /// Prints what the officer should know on stderr and, when there is a warning, asks to go on:
    /// on a terminal with a y/N question, otherwise only with `--yes`.
    ///
    /// - Throws: not allowed (77) when the officer says no, or input is not a terminal and `yes`
    ///   is not given; nothing is recorded then.
    func show(confirmed yes: Bool, doing action: String) throws {
        for line in information { Console.error(line) }
        guard let warning else { return }
        Console.error("! \(warning)")
        if yes { return }
        guard Console.inputIsTerminal else {
            throw CLIError(.notAllowed, "Nothing recorded: \(warning.prefix { $0 != ":" && $0 != "." }.lowercased()); pass --yes to \(action) anyway.")
        }
        Console.prompt("\(action.prefix(1).uppercased() + action.dropFirst()) anyway? [y/N] ")
        let answer = Console.readLine()?.trimmingCharacters(in: .whitespaces).lowercased()
        guard answer == "y" || answer == "yes" else {
            throw CLIError(.notAllowed, "Nothing recorded.")
        }
    }

    /// An ISO 8601 time as the laptop's local day and time, `Tue 2 Jun 14:05`; unchanged if it
    /// cannot be read.
    static func localTime(_ iso: String) -> String {
        guard let date = date(iso) else { return iso }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_GB")
        formatter.dateFormat = "EEE d MMM HH:mm"
        return formatter.string(from: date)
    }

    /// An ISO 8601 time, with or without fractional seconds (the server writes them).
    static func date(_ iso: String) -> Date? {
        if let date = ISO8601DateFormatter().date(from: iso) { return date }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: iso)
    }
}
