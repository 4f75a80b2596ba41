public import Logging

/// How a command writes its log lines on stderr: the human-readable lines of swift-log's
/// `StreamLogHandler`, or one JSON object per line (``JSONLogHandler``) for a log pipeline.
public enum LogFormat: String, CaseIterable, Sendable {
    /// `2026-12-04T11:00:00+0000 info doorstep-server : key=value [Module] message`.
    case text
    /// `{"time":"2026-12-04T11:00:00.123Z","level":"info","message":"…",…}`.
    case json

    /// A handler writing to stderr in this format.
    ///
    /// - Parameter label: The logger's label.
    public func handler(label: String) -> any LogHandler {
        switch self {
        case .text: StreamLogHandler.standardError(label: label)
        case .json: JSONLogHandler(label: label)
        }
    }
}
