/// When and how long to wait before trying a request again.
///
/// Only failures that may pass are retried: transport errors that mean "unreachable, try later"
/// (``TransportError/isTransient``), 5xx answers and 429 (a quota that resets). Any other 4xx
/// answer is never retried; a `Retry-After` longer than the delay is waited out. Delays grow
/// exponentially with "equal jitter" (half the delay fixed, half random), so many devices coming
/// back online at once do not retry in step; no attempt starts after ``totalBudget``.
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts in all, the first included; 1 means no retry.
    public var maximumAttempts: Int
    /// The delay before the first retry, before jitter.
    public var initialDelay: Duration
    /// The largest delay between two attempts, before jitter.
    public var maximumDelay: Duration
    /// No retry starts once this much time has passed since the first attempt began.
    public var totalBudget: Duration
    /// Whether a server that cannot be connected to at all (``TransportError/isNoConnection``) is
    /// tried again like any transient failure; when `false` it is given up at once.
    public var retriesWithoutConnection = true

    /// Creates a policy.
    public init(maximumAttempts: Int, initialDelay: Duration, maximumDelay: Duration, totalBudget: Duration) {
        self.maximumAttempts = max(1, maximumAttempts)
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.totalBudget = totalBudget
    }

    /// A single attempt.
    public static let never = RetryPolicy(maximumAttempts: 1, initialDelay: .zero, maximumDelay: .zero, totalBudget: .zero)

    /// Up to 8 attempts within two minutes, delays from 0.5 s up to 15 s: what an overnight job
    /// on a flaky connection needs.
    public static let standard = RetryPolicy(
        maximumAttempts: 8, initialDelay: .milliseconds(500), maximumDelay: .seconds(15), totalBudget: .seconds(120)
    )

    /// This policy, but giving up at once on a server that cannot be connected to at all: for the
    /// first request to a server, where no connection usually means no network or no server, and
    /// retrying for minutes only keeps a person or a job waiting.
    public var givingUpWithoutConnection: RetryPolicy {
        var policy = self
        policy.retriesWithoutConnection = false
        return policy
    }

    /// Whether a request that got no response because of `error` is worth another attempt.
    public func isRetryable(_ error: TransportError) -> Bool {
        error.isTransient && (retriesWithoutConnection || !error.isNoConnection)
    }

    /// Whether an HTTP status is worth another attempt: 5xx, and 429 Too Many Requests
    /// ([RFC 6585 §4](https://www.rfc-editor.org/rfc/rfc6585#section-4)).
    public static func isRetryable(status: Int) -> Bool {
        status == 429 || (500..<600).contains(status)
    }

    /// The delay before retry number `retry` (1 for the first retry): the exponential delay capped
    /// at ``maximumDelay``, half of it fixed and half drawn from `generator`.
    public func delay(beforeRetry retry: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        let exponent = min(max(retry - 1, 0), 30)
        let nominal = min(initialDelay * (1 << exponent), maximumDelay)
        let half = nominal / 2
        let jitterMilliseconds = half.roundedUpMilliseconds
        let jitter = jitterMilliseconds > 0 ? Duration.milliseconds(Int.random(in: 0...jitterMilliseconds, using: &generator)) : .zero
        return half + jitter
    }
}
