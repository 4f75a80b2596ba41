import DoorstepWire
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
public import Logging

/// Writes each log entry to stderr as one JSON object on one line.
///
/// The keys are `time` (UTC, RFC 3339 with milliseconds), `level`, `message` and `label` (the
/// logger's), then every metadata key (an error logged with the entry as `error`). Hummingbird's `hb.request.id` is written as `request_id`.
/// A metadata value that is an integer or a finite floating-point number is written as a JSON
/// number, a list as an array, a dictionary as an object, anything else as a string.
/// Each line goes to stderr in one `write(2)`, so lines of concurrent tasks never interleave.
public struct JSONLogHandler: LogHandler {
    /// The logger's label, written as `label`.
    public let label: String
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?

    /// Creates a handler for the logger `label`, with the metadata provider the logging system
    /// was bootstrapped with.
    public init(label: String, metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider) {
        self.label = label
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let explicit = event.metadata { merged.merge(explicit) { _, new in new } }
        if let error = event.error { merged["error"] = .string(String(describing: error)) }
        let text = Self.line(time: Self.now(), level: event.level, message: event.message.description, label: label, metadata: merged)
        text.utf8CString.withUnsafeBufferPointer { buffer in
            var start = 0
            let count = buffer.count - 1
            while start < count {
                let written = write(STDERR_FILENO, buffer.baseAddress! + start, count - start)
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { return }
                start += written
            }
        }
    }

    /// The metadata keys written under another name.
    static let renamedKeys = ["hb.request.id": "request_id"]

    /// One entry as its JSON line, newline included.
    ///
    /// - Parameters:
    ///   - time: The `time` value, such as `2026-12-04T11:00:00.123Z`.
    ///   - level: The entry's level.
    ///   - message: The message.
    ///   - label: The logger's label.
    ///   - metadata: The entry's metadata, written after the fixed keys in the order of their names.
    public static func line(
        time: String, level: Logger.Level, message: String, label: String, metadata: Logger.Metadata
    ) -> String {
        var out = "{\"time\":"
        append(string: time, to: &out)
        out += ",\"level\":"
        append(string: level.rawValue, to: &out)
        out += ",\"message\":"
        append(string: message, to: &out)
        out += ",\"label\":"
        append(string: label, to: &out)
        let fixed: Set<String> = ["time", "level", "message", "label"]
        let named = metadata.map { (name: renamedKeys[$0.key] ?? $0.key, value: $0.value) }
        for (name, value) in named.sorted(by: { $0.name < $1.name }) where !fixed.contains(name) {
            out += ","
            append(string: name, to: &out)
            out += ":"
            append(value: value, to: &out)
        }
        out += "}\n"
        return out
    }

    private static func append(value: Logger.Metadata.Value, to out: inout String) {
        switch value {
        case .string(let text):
            append(string: text, to: &out)
        case .stringConvertible(let convertible):
            switch convertible {
            case let number as any BinaryInteger:
                out += number.description
            case let number as Double where number.isFinite:
                out += number.description
            default:
                append(string: convertible.description, to: &out)
            }
        case .array(let values):
            out += "["
            for (index, element) in values.enumerated() {
                if index > 0 { out += "," }
                append(value: element, to: &out)
            }
            out += "]"
        case .dictionary(let values):
            out += "{"
            for (index, key) in values.keys.sorted().enumerated() {
                if index > 0 { out += "," }
                append(string: key, to: &out)
                out += ":"
                append(value: values[key]!, to: &out)
            }
            out += "}"
        }
    }

    /// Appends `text` as a JSON string (RFC 8259 §7), escaped as everything else the project
    /// writes (``JSONWriter``).
    private static func append(string text: String, to out: inout String) {
        out += JSONWriter.string(text)
    }

    /// The current time in UTC with milliseconds, as RFC 3339 writes it.
    static func now() -> String {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        var seconds = spec.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let milliseconds = Int(spec.tv_nsec / 1_000_000)
        let fraction = milliseconds < 10 ? "00\(milliseconds)" : milliseconds < 100 ? "0\(milliseconds)" : "\(milliseconds)"
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)).\(fraction)Z"
    }
}
