public import Foundation

/// Test fixtures written in Python print `PORT N` on stdout once they listen on a free port.
public enum PrintedPort {
    /// Reads `process`'s stdout until it prints `PORT N`; `nil` if it ends or closes stdout first.
    public static func read(from output: Pipe, of process: Process) -> Int? {
        var buffer = Data()
        let reader = output.fileHandleForReading
        while process.isRunning {
            let chunk = reader.availableData
            if chunk.isEmpty { return nil }
            buffer.append(chunk)
            let text = String(decoding: buffer, as: UTF8.self)
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("PORT ") }),
               let port = Int(line.dropFirst(5).trimmingCharacters(in: .whitespaces)) {
                return port
            }
        }
        return nil
    }
}
