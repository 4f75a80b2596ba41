import CTerminal
import DoorstepCore
import Foundation

/// Writing for people (stderr) and for programs (stdout), and reading the officer's input.
enum Console {
    /// Writes a line to stdout.
    static func out(_ line: String = "") {
        print(line)
    }

    /// Writes a line to stderr.
    static func error(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// Writes text to stderr without a newline (a prompt).
    static func prompt(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// The columns of the terminal stderr writes to; 80 when it is not a terminal.
    static var width: Int {
        let columns = Int(doorstep_terminal_columns(STDERR_FILENO))
        return columns > 0 ? columns : 80
    }

    /// Whether standard input is a terminal (rather than a pipe or a file).
    static var inputIsTerminal: Bool { isatty(STDIN_FILENO) == 1 }

    /// Reads one line of standard input, or `nil` at its end.
    static func readLine() -> String? {
        Swift.readLine(strippingNewline: true)
    }

    /// Prints a value as JSON on stdout, keys sorted.
    static func json(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    /// Whether standard output is a terminal (colour may be used).
    static var outputIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }

    /// Prints rows as aligned columns under a header; rows for which `highlight` is true are
    /// printed in red (pass it only when stdout is a terminal).
    static func table(_ header: [String], _ rows: [[String]], highlight: ((Int) -> Bool)? = nil) {
        for (number, line) in tableLines(header, rows).enumerated() {
            print(number > 0 && highlight?(number - 1) == true ? "\u{1B}[31m\(line)\u{1B}[0m" : line)
        }
    }

    /// Rows as aligned columns under a header, one line each (the last column not padded).
    static func tableLines(_ header: [String], _ rows: [[String]]) -> [String] {
        let widths = header.indices.map { column in
            ([header] + rows).map { $0[column].count }.max() ?? 0
        }
        return ([header] + rows).map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
    }

    /// Reads a whole file, or standard input for `-`.
    static func readText(_ path: String, what: String) throws -> String {
        if path == "-" {
            let data = FileHandle.standardInput.readDataToEndOfFile()
            return String(decoding: data, as: UTF8.self)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError(.usage, "The \(what) file \(path) cannot be read.")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CLIError(.dataError, "The \(what) file \(path) is not UTF-8 text.")
        }
        return text
    }

    /// This moment, `YYYY-MM-DDTHH:MM:SS.sssZ`, for the form's `now()`.
    @Sendable static func now() -> String {
        UTCTime.iso8601(milliseconds: Int64((Date().timeIntervalSince1970 * 1_000).rounded(.down)))
    }

    /// Today in the laptop's time zone, `YYYY-MM-DD`, for the form's `today()`.
    static func today() -> String {
        let parts = Calendar.current.dateComponents([.year, .month, .day], from: Date())
        return String(format: "%04d-%02d-%02d", parts.year ?? 1970, parts.month ?? 1, parts.day ?? 1)
    }
}
