public import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A built executable running on a pseudo-terminal of a given size, as an officer's terminal
/// runs it: its standard input, output and error are the terminal, which echoes what is typed.
///
/// The test reads what the program wrote with ``expect(_:timeout:)`` and types with ``type(_:)``;
/// every wait is bounded.
public final class PseudoTerminal: @unchecked Sendable {
    /// The columns of the terminal.
    public let columns: Int
    private let master: Int32
    private let process = Process()
    private let box = OutputBox()
    /// How much of the output ``expect(_:timeout:)`` has consumed.
    private var consumed = 0
    private let reader: Thread

    /// Why a terminal session failed.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Starts `executable` with `arguments` on a new terminal of `columns` × `rows`.
    public init(
        _ executable: URL, _ arguments: [String], environment: [String: String], columns: Int = 60, rows: Int = 24
    ) throws {
        self.columns = columns
        var master: Int32 = 0
        var slave: Int32 = 0
        var size = winsize(ws_row: UInt16(rows), ws_col: UInt16(columns), ws_xpixel: 0, ws_ypixel: 0)
        guard openpty(&master, &slave, nil, nil, &size) == 0 else {
            throw Failure(description: "openpty failed: errno \(errno)")
        }
        self.master = master
        let terminal = FileHandle(fileDescriptor: slave, closeOnDealloc: true)
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardInput = terminal
        process.standardOutput = terminal
        process.standardError = terminal
        let box = self.box
        let side = master
        reader = Thread {
            var chunk = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = read(side, &chunk, chunk.count)
                if count <= 0 { break }  // EIO once the program's side is closed
                box.append(chunk[0..<count])
            }
        }
        try process.run()
        try terminal.close()
        reader.start()
    }

    deinit {
        if process.isRunning { process.terminate() }
        close(master)
    }

    /// Everything the terminal showed so far, with the terminal's `\r\n` as `\n`.
    public var transcript: String {
        String(decoding: box.bytes, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
    }

    /// Waits until `text` appears after what was last expected; returns the output up to and
    /// including it.
    ///
    /// - Throws: ``Failure`` when it does not appear within `timeout` seconds.
    @discardableResult
    public func expect(_ text: String, timeout: Double = 20) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let shown = transcript
            let start = shown.index(shown.startIndex, offsetBy: min(consumed, shown.count))
            if let found = shown[start...].range(of: text) {
                consumed = shown.distance(from: shown.startIndex, to: found.upperBound)
                return String(shown[start..<found.upperBound])
            }
            usleep(20_000)
        }
        throw Failure(description: "'\(text)' did not appear within \(timeout) s; the terminal showed:\n\(transcript)")
    }

    /// Types `line` and Enter.
    public func type(_ line: String) {
        let bytes = Array((line + "\r").utf8)
        _ = bytes.withUnsafeBufferPointer { write(master, $0.baseAddress, $0.count) }
    }

    /// Waits for the program to exit and returns its status.
    ///
    /// - Throws: ``Failure`` when it is still running after `timeout` seconds (it is then killed).
    public func waitForExit(timeout: Double = 20) throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            process.terminate()
            throw Failure(description: "the program did not exit within \(timeout) s; the terminal showed:\n\(transcript)")
        }
        return process.terminationStatus
    }
}

/// The terminal's output, appended by the reading thread and read by the test.
private final class OutputBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [UInt8] = []

    func append(_ chunk: ArraySlice<UInt8>) {
        lock.withLock { stored.append(contentsOf: chunk) }
    }

    var bytes: [UInt8] { lock.withLock { stored } }
}
