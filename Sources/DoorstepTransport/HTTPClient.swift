import Dispatch
import Foundation
public import Logging
import Synchronization

/// An HTTP client on libcurl with an async API.
///
/// `curl_easy_perform` blocks, so transfers run on the client's own serial dispatch queue, never on
/// Swift's cooperative thread pool; the caller awaits a continuation. Requests on one client run
/// one after another over a reused handle (and so a kept-alive connection). Cancelling the
/// awaiting task aborts the transfer within about a second.
public final class HTTPClient: Sendable {
    /// The timeouts, TLS trust and limits every request uses.
    public let configuration: TransportConfiguration
    private let logger: Logger
    private let queue = DispatchQueue(label: "doorstep.transport")
    /// Touched only on `queue`; the mutex makes that confinement visible to the compiler.
    private let handle: Mutex<EasyHandle>

    /// Creates a client.
    /// - Parameters:
    ///   - configuration: timeouts, CA file and limits.
    ///   - logger: where retries and failures are logged.
    /// - Throws: ``TransportError`` when libcurl cannot be initialised.
    public init(configuration: TransportConfiguration = TransportConfiguration(), logger: Logger = Logger(label: "doorstep.transport")) throws(TransportError) {
        self.configuration = configuration
        self.logger = logger
        handle = Mutex(try EasyHandle())
    }

    /// Sends `request` once and returns whatever HTTP response arrived, whatever its status.
    /// - Throws: ``TransportError`` when no response arrived, `CancellationError` when the task was cancelled.
    public func perform(_ request: HTTPRequest) async throws -> HTTPResponse {
        let cancellation = CancellationFlag()
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<HTTPResponse, TransportError>, Never>) in
                queue.async { [self] in
                    let result = handle.withLock { easy in
                        easy.perform(request, configuration: configuration, cancellation: cancellation)
                    }
                    continuation.resume(returning: result)
                }
            }
        } onCancel: {
            cancellation.cancel()
        }
        if cancellation.isCancelled { throw CancellationError() }
        return try result.get()
    }

    /// Sends `request`, retrying transient failures, 5xx and 429 answers as `policy` allows,
    /// waiting at least as long as an answer's `Retry-After` says.
    ///
    /// Only use a retrying policy for requests that are safe to repeat (every `GET`, and `POST
    /// /v1/push`, whose operations carry their own ids). Returns the last response when every
    /// attempt answered 5xx or 429.
    /// - Throws: the last ``TransportError`` when no attempt got a response, `CancellationError`.
    public func send(_ request: HTTPRequest, retry policy: RetryPolicy = .standard) async throws -> HTTPResponse {
        var generator = SystemRandomNumberGenerator()
        let clock = ContinuousClock()
        let start = clock.now
        var attempt = 1
        while true {
            let outcome: Result<HTTPResponse, TransportError>
            do {
                outcome = .success(try await perform(request))
            } catch let error as TransportError {
                outcome = .failure(error)
            }
            let reason: String
            switch outcome {
            case .success(let response) where RetryPolicy.isRetryable(status: response.status):
                reason = "the server answered \(response.status)"
            case .failure(let error) where policy.isRetryable(error):
                reason = error.description
            default:
                return try outcome.get()
            }
            var delay = policy.delay(beforeRetry: attempt, using: &generator)
            if case .success(let response) = outcome, let retryAfter = response.header("retry-after").flatMap(Int.init),
               retryAfter >= 0 {
                delay = max(delay, .seconds(retryAfter))
            }
            guard attempt < policy.maximumAttempts, clock.now - start + delay <= policy.totalBudget else {
                return try outcome.get()
            }
            logger.notice(
                "Retrying after a failed attempt.",
                metadata: [
                    "request": "\(request.method) \(request.url.path)", "attempt": "\(attempt)",
                    "delay": "\(delay)", "reason": "\(reason)",
                ]
            )
            try await Task.sleep(for: delay)
            attempt += 1
        }
    }
}
