import DoorstepSync
import Foundation
import Synchronization

/// Counts and a bar for `doorstep sync` on a terminal, redrawn in place on standard output.
///
/// Only made when standard output is a terminal and neither `--json` nor `--quiet` is given, so
/// cron mails and pipes never see it.
final class ProgressBar: Sendable {
    private let width = 30
    private let lastLine = Mutex<String>("")

    /// Whether a bar belongs on standard output now.
    static var isWanted: Bool { isatty(STDOUT_FILENO) == 1 }

    /// Redraws the line for `progress`.
    func update(_ progress: SyncProgress) {
        let line: String
        switch progress {
        case .pushing(let done, let total):
            let filled = total > 0 ? min(width, done * width / total) : width
            let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
            line = "Pushing [\(bar)] \(done)/\(total) changes"
        case .pulling(let pages, let records):
            line = "Pulling \(records) records (\(pages) pages)"
        }
        draw(line)
    }

    /// Clears the line, before the summary is printed.
    func finish() {
        draw("")
    }

    private func draw(_ line: String) {
        lastLine.withLock { last in
            guard line != last else { return }
            last = line
            FileHandle.standardOutput.write(Data("\r\u{1B}[2K\(line)".utf8))
        }
    }
}
