/// Why a benchmark run stopped, in one sentence each.
enum BenchError: Error, CustomStringConvertible {
    /// An executable next to `doorstep-bench` is missing.
    case missingExecutable(String)
    /// A process could not be started.
    case spawnFailed(String, String)
    /// A command exited with an error.
    case commandFailed(String, String)
    /// The server did not print its URL.
    case serverDidNotStart(String)
    /// A generated response did not pass the form's validation.
    case invalidGeneratedResponse(String)
    /// A request to a server failed.
    case requestFailed(String)
    /// A result did not match what was sent (lost, doubled or rejected data).
    case wrongResult(String)

    var description: String {
        switch self {
        case .missingExecutable(let path): "The executable \(path) is missing; build every product first (swift build -c release)."
        case .spawnFailed(let command, let reason): "Could not start \(command): \(reason)."
        case .commandFailed(let command, let detail): "The command \(command) failed with \(detail)"
        case .serverDidNotStart(let log): "doorstep-server did not print its URL: \(log)"
        case .invalidGeneratedResponse(let problems): "A generated response is invalid for the form: \(problems)."
        case .requestFailed(let detail): "A request failed: \(detail.hasSuffix(".") ? String(detail.dropLast()) : detail)."
        case .wrongResult(let detail): "The run gave a wrong result: \(detail)."
        }
    }
}
