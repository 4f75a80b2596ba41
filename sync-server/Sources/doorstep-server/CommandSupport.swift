import ArgumentParser
import DoorstepCore
import DoorstepServer
import Foundation

/// The data directory option every subcommand takes.
struct DataOptions: ParsableArguments {
    @Option(name: .long, help: "The server's data directory (default: $DOORSTEP_DATA).")
    var data: String?

    func validate() throws {
        guard path != nil else {
            throw ValidationError("No data directory: pass --data DIR or set DOORSTEP_DATA.")
        }
    }

    /// `--data`, else `$DOORSTEP_DATA`.
    var path: String? {
        if let data, !data.isEmpty { return data }
        return ProcessInfo.processInfo.environment["DOORSTEP_DATA"].flatMap { $0.isEmpty ? nil : $0 }
    }

    var directory: URL { URL(fileURLWithPath: path ?? ".") }

    func open() throws -> ServerDatabase {
        try ServerDatabase(directory: directory)
    }
}

/// Maps failures to sysexits codes and prints them as one sentence on stderr.
enum Failure {
    /// Runs `body`, turning domain errors into an exit code.
    static func run(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as FormError {
            throw report(error.description, code: 65)
        } catch let error as WalkListError {
            throw report(error.description, code: 65)
        } catch let error as AdminError {
            throw report(error.message, code: 65)
        } catch let error as ExitCode {
            throw error
        } catch {
            throw report("\(error)", code: 1)
        }
    }

    static func report(_ message: String, code: Int32) -> ExitCode {
        FileHandle.standardError.write(Data("doorstep-server: \(message)\n".utf8))
        return ExitCode(code)
    }
}

/// Aligned columns on stdout, and the same rows as JSON, for the listing commands.
enum Table {
    static func print(_ header: [String], _ rows: [[String]]) {
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        for row in [header] + rows {
            let cells = row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }
            Swift.print(cells.joined(separator: "  "))
        }
    }

    static func printJSON(_ rows: [[String: String]]) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        Swift.print(String(decoding: (try? encoder.encode(rows)) ?? Data("[]".utf8), as: UTF8.self))
    }
}
