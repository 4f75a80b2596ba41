import DoorstepTestSupport
import DoorstepTransport
import Foundation
import Testing

/// The libcurl transport against a real fixture server on 127.0.0.1.
@Suite("Transport against a local server")
struct TransportTests {
    let fixture: FixtureServer
    let client: HTTPClient

    init() throws {
        fixture = try FixtureServer()
        client = try HTTPClient()
    }

    private func json(_ response: HTTPResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: response.body) as? [String: Any])
    }

    @Test("Every status code comes back as a response with its body", arguments: [200, 201, 400, 401, 403, 404, 413, 422, 500, 503])
    func statusCodes(status: Int) async throws {
        let response = try await client.perform(HTTPRequest(url: fixture.url("/status/\(status)")))
        #expect(response.status == status)
        #expect(response.header("Content-Type") == "application/json")
        #expect(try json(response)["message"] as? String == "The fixture answered \(status).")
    }

    @Test("A 20 MB response arrives whole and intact")
    func largeResponse() async throws {
        let size = 20_000_000
        let response = try await client.perform(HTTPRequest(url: fixture.url("/large?bytes=\(size)")))
        #expect(response.status == 200)
        #expect(response.body.count == size)
        let intact = response.body.withUnsafeBytes { bytes in
            bytes.enumerated().allSatisfy { index, byte in Int(byte) == index % 251 }
        }
        #expect(intact)
    }

    @Test("An 8 MB request body is sent whole")
    func largeRequest() async throws {
        let body = Data((0..<8_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let response = try await client.perform(
            HTTPRequest(method: .post, url: fixture.url("/mirror"), headers: [("Content-Type", "application/octet-stream")], body: body)
        )
        #expect(response.status == 200)
        #expect(response.body == body)
    }

    @Test("Headers go out as given, with a user agent, gzip offered and no Expect")
    func requestHeaders() async throws {
        let response = try await client.perform(
            HTTPRequest(
                method: .post, url: fixture.url("/echo"),
                headers: [("Authorization", "Bearer secret"), ("Content-Type", "application/json")],
                body: Data(String(repeating: "{}", count: 100_000).utf8)
            )
        )
        let echo = try json(response)
        let headers = try #require(echo["headers"] as? [String: String])
        #expect(headers["authorization"] == "Bearer secret")
        #expect(headers["content-type"] == "application/json")
        #expect(headers["user-agent"] == "doorstep/1")
        #expect(headers["accept-encoding"]?.contains("gzip") == true)
        #expect(headers["expect"] == nil)
        #expect(echo["length"] as? Int == 200_000)
    }

    @Test("Methods other than GET and POST", arguments: [HTTPMethod.put, .delete, .patch])
    func otherMethods(method: HTTPMethod) async throws {
        let response = try await client.perform(
            HTTPRequest(method: method, url: fixture.url("/echo"), headers: [("Content-Type", "text/plain")], body: Data("x".utf8))
        )
        #expect(try json(response)["method"] as? String == method.rawValue)
    }

    @Test("A POST with an empty body sends no body")
    func emptyBody() async throws {
        let response = try await client.perform(HTTPRequest(method: .post, url: fixture.url("/echo"), body: Data()))
        #expect(try json(response)["length"] as? Int == 0)
    }

    @Test("A gzip answer is decompressed automatically")
    func gzip() async throws {
        let size = 1_000_000
        let response = try await client.perform(HTTPRequest(url: fixture.url("/gzip?bytes=\(size)")))
        #expect(response.status == 200)
        #expect(response.header("content-encoding") == "gzip")
        let compressed = try #require(response.header("x-compressed-length").flatMap(Int.init))
        #expect(compressed < size / 10)
        let expected = Data(String(String(repeating: "doorstep ", count: size / 9 + 1).prefix(size)).utf8)
        #expect(response.body == expected)
    }

    @Test("A server that answers too slowly times out")
    func slowAnswerTimesOut() async throws {
        let client = try HTTPClient(configuration: TransportConfiguration(requestTimeout: .milliseconds(500)))
        await #expect {
            _ = try await client.perform(HTTPRequest(url: fixture.url("/slow?seconds=10")))
        } throws: { error in
            guard case .timedOut = error as? TransportError else { return false }
            return (error as? TransportError)?.isTransient == true
        }
    }

    @Test("A transfer that stalls mid-body is abandoned by the low-speed limit")
    func stalledBody() async throws {
        let client = try HTTPClient(configuration: TransportConfiguration(lowSpeedLimit: 100, lowSpeedTime: .seconds(1)))
        await #expect {
            _ = try await client.perform(HTTPRequest(url: fixture.url("/stall?bytes=1000&seconds=20")))
        } throws: { error in
            guard case .timedOut = error as? TransportError else { return false }
            return true
        }
    }

    @Test("A connection closed mid-body is a lost connection, worth retrying")
    func truncatedBody() async throws {
        await #expect {
            _ = try await client.perform(HTTPRequest(url: fixture.url("/truncate?bytes=5000")))
        } throws: { error in
            guard case .connectionLost = error as? TransportError else { return false }
            return (error as? TransportError)?.isTransient == true
        }
    }

    @Test("A stopped server cannot be connected to, worth retrying later")
    func stoppedServer() async throws {
        let url = fixture.url("/status/200")
        fixture.stop()
        await #expect {
            _ = try await client.perform(HTTPRequest(url: url))
        } throws: { error in
            guard case .cannotConnect = error as? TransportError else { return false }
            return (error as? TransportError)?.isTransient == true
        }
    }

    @Test("A URL of another scheme is refused before any transfer")
    func invalidURL() async throws {
        await #expect(throws: TransportError.invalidURL("ftp://127.0.0.1/file")) {
            _ = try await client.perform(HTTPRequest(url: URL(string: "ftp://127.0.0.1/file")!))
        }
    }

    @Test("A response larger than the limit is refused")
    func responseTooLarge() async throws {
        let client = try HTTPClient(configuration: TransportConfiguration(maximumResponseSize: 1000))
        await #expect {
            _ = try await client.perform(HTTPRequest(url: fixture.url("/large?bytes=100000")))
        } throws: { error in
            guard case .responseTooLarge(_, 1000) = error as? TransportError else { return false }
            return true
        }
    }

    @Test("Hundreds of requests in a row reuse one handle")
    func manySequentialRequests() async throws {
        for index in 0..<300 {
            let response = try await client.perform(
                HTTPRequest(method: .post, url: fixture.url("/mirror"), headers: [("X-Index", "\(index)")], body: Data("\(index)".utf8))
            )
            #expect(response.body == Data("\(index)".utf8))
        }
    }

    @Test("Concurrent callers share one client safely")
    func concurrentCallers() async throws {
        let client = self.client
        let fixture = self.fixture
        let bodies = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<40 {
                group.addTask {
                    let response = try await client.perform(
                        HTTPRequest(method: .post, url: fixture.url("/mirror"), body: Data("request \(index)".utf8))
                    )
                    return String(decoding: response.body, as: UTF8.self)
                }
            }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(bodies == Set((0..<40).map { "request \($0)" }))
    }

    @Test("Cancelling the waiting task aborts the transfer")
    func cancellation() async throws {
        let client = self.client
        let url = fixture.url("/slow?seconds=30")
        let task = Task { try await client.perform(HTTPRequest(url: url)) }
        try await Task.sleep(for: .milliseconds(200))
        task.cancel()
        await #expect(throws: CancellationError.self) { _ = try await task.value }
    }
}

/// Retries: which failures, how often, how long.
@Suite("Retries with backoff")
struct RetryTests {
    let fixture: FixtureServer
    let client: HTTPClient
    /// Fast delays so the tests do not wait, and a time budget wide enough never to be the limit
    /// even when other suites keep the test process busy (``boundedTime`` tests the budget).
    let quick = RetryPolicy(maximumAttempts: 5, initialDelay: .milliseconds(10), maximumDelay: .milliseconds(40), totalBudget: .seconds(900))

    init() throws {
        fixture = try FixtureServer()
        client = try HTTPClient()
    }

    private func hits(_ key: String) async throws -> Int {
        let response = try await client.perform(HTTPRequest(url: fixture.url("/hits?key=\(key)")))
        let object = try JSONSerialization.jsonObject(with: response.body) as? [String: Any]
        return object?["hits"] as? Int ?? -1
    }

    @Test("5xx answers are retried until one succeeds", arguments: [500, 502, 503, 504])
    func retriesServerErrors(status: Int) async throws {
        let key = "5xx-\(status)"
        let response = try await client.send(
            HTTPRequest(url: fixture.url("/flaky?key=\(key)&failures=2&status=\(status)")), retry: quick
        )
        #expect(response.status == 200)
        #expect(try await hits(key) == 3)
    }

    @Test("A connection closed without an answer is retried")
    func retriesDroppedConnections() async throws {
        let response = try await client.send(
            HTTPRequest(method: .post, url: fixture.url("/flaky?key=drop&failures=2&status=drop"), body: Data("{}".utf8)),
            retry: quick
        )
        #expect(response.status == 200)
        #expect(try await hits("drop") == 3)
    }

    @Test("429 is retried, no sooner than its Retry-After")
    func retriesTooManyRequestsAfterRetryAfter() async throws {
        let start = ContinuousClock.now
        let response = try await client.send(
            HTTPRequest(url: fixture.url("/flaky?key=quota&failures=1&status=429&retry_after=1")), retry: quick
        )
        #expect(response.status == 200)
        #expect(try await hits("quota") == 2)
        #expect(ContinuousClock.now - start >= .seconds(1))
    }

    @Test("Other 4xx answers are never retried", arguments: [400, 401, 403, 404, 409, 413, 422])
    func neverRetriesClientErrors(status: Int) async throws {
        let key = "4xx-\(status)"
        let response = try await client.send(
            HTTPRequest(url: fixture.url("/flaky?key=\(key)&failures=3&status=\(status)")), retry: quick
        )
        #expect(response.status == status)
        #expect(try await hits(key) == 1)
    }

    @Test("Retries stop after the maximum attempts with the last answer")
    func boundedAttempts() async throws {
        let response = try await client.send(
            HTTPRequest(url: fixture.url("/flaky?key=always&failures=1000&status=503")), retry: quick
        )
        #expect(response.status == 503)
        #expect(try await hits("always") == 5)
    }

    @Test("No retry starts once the time budget is spent")
    func boundedTime() async throws {
        let policy = RetryPolicy(maximumAttempts: 100, initialDelay: .seconds(5), maximumDelay: .seconds(5), totalBudget: .seconds(1))
        let response = try await client.send(
            HTTPRequest(url: fixture.url("/flaky?key=budget&failures=1000&status=500")), retry: policy
        )
        #expect(response.status == 500)
        #expect(try await hits("budget") == 1)
    }

    @Test("An unreachable server fails with the transport error once retries are spent")
    func unreachableAfterRetries() async throws {
        let url = fixture.url("/status/200")
        fixture.stop()
        await #expect {
            _ = try await client.send(HTTPRequest(url: url), retry: quick)
        } throws: { error in
            guard case .cannotConnect = error as? TransportError else { return false }
            return true
        }
    }

    @Test("A policy giving up without a connection retries everything else; a refused connection says so")
    func givingUpWithoutConnection() async throws {
        let patient = RetryPolicy(maximumAttempts: 100, initialDelay: .seconds(2), maximumDelay: .seconds(2), totalBudget: .seconds(60))
        let policy = patient.givingUpWithoutConnection
        #expect(policy.isRetryable(.connectionLost(host: "h", detail: "d")))
        #expect(policy.isRetryable(.timedOut(host: "h", detail: "d")))
        #expect(!policy.isRetryable(.cannotResolveHost(host: "h", detail: "d")))
        #expect(patient.isRetryable(.cannotConnect(host: "h", detail: "d")))

        // (How fast the `doorstep sync` process gives up is timed in the CLI tests, in a process of its own.)
        let url = fixture.url("/status/200")
        fixture.stop()
        await #expect {
            _ = try await client.send(HTTPRequest(url: url), retry: policy)
        } throws: { error in
            guard case .cannotConnect(_, let detail) = error as? TransportError else { return false }
            return detail == "connection refused"
        }
    }

    @Test("Delays grow exponentially, stay within the cap and keep half fixed", arguments: 1...10)
    func delays(retry: Int) {
        let policy = RetryPolicy(maximumAttempts: 10, initialDelay: .milliseconds(100), maximumDelay: .seconds(5), totalBudget: .seconds(60))
        var generator = SystemRandomNumberGenerator()
        let nominal = min(Duration.milliseconds(100) * (1 << (retry - 1)), .seconds(5))
        for _ in 0..<50 {
            let delay = policy.delay(beforeRetry: retry, using: &generator)
            #expect(delay >= nominal / 2)
            #expect(delay <= nominal)
        }
    }
}

/// TLS with a private certificate authority made at test time.
@Suite("TLS with a private CA")
struct TLSTests {
    let authority: PrivateCA
    let fixture: FixtureServer

    init() throws {
        authority = try PrivateCA()
        fixture = try FixtureServer(tlsCertificate: authority.serverCertificate, tlsKey: authority.serverKey)
    }

    @Test("The server is trusted with the CA file")
    func trustedWithCAFile() async throws {
        let client = try HTTPClient(configuration: TransportConfiguration(caFile: authority.caCertificate))
        let response = try await client.perform(HTTPRequest(url: fixture.url("/status/200")))
        #expect(response.status == 200)
    }

    @Test("The server is refused without the CA file, and retrying would not help")
    func refusedWithoutCAFile() async throws {
        let client = try HTTPClient()
        await #expect {
            _ = try await client.send(HTTPRequest(url: fixture.url("/status/200")))
        } throws: { error in
            guard let error = error as? TransportError, case .certificateNotTrusted = error else { return false }
            return !error.isTransient && error.description.contains("--cacert")
        }
    }

    @Test("A missing CA file is a trust failure, not a crash")
    func missingCAFile() async throws {
        let client = try HTTPClient(configuration: TransportConfiguration(caFile: authority.folder.appending("absent.pem").path))
        await #expect {
            _ = try await client.perform(HTTPRequest(url: fixture.url("/status/200")))
        } throws: { error in
            guard case .certificateNotTrusted = error as? TransportError else { return false }
            return true
        }
    }
}

/// Error sentences people read.
@Suite("Transport errors")
struct TransportErrorTests {
    @Test("Each error is one sentence, and only network failures are transient")
    func sentences() {
        let errors: [(TransportError, Bool)] = [
            (.invalidURL("x"), false),
            (.cannotResolveHost(host: "h", detail: "d"), true),
            (.cannotConnect(host: "h", detail: "d"), true),
            (.timedOut(host: "h", detail: "d"), true),
            (.connectionLost(host: "h", detail: "d"), true),
            (.tlsHandshakeFailed(host: "h", detail: "d"), true),
            (.certificateNotTrusted(host: "h", detail: "d"), false),
            (.badContentEncoding(host: "h", detail: "d"), false),
            (.responseTooLarge(host: "h", limit: 1), false),
            (.failed(host: "h", code: 2, detail: "d"), false),
        ]
        for (error, transient) in errors {
            #expect(error.isTransient == transient)
            #expect(error.isNoConnection == [.cannotResolveHost(host: "h", detail: "d"), .cannotConnect(host: "h", detail: "d")].contains(error))
            #expect(error.description.hasSuffix("."))
            #expect(error.description.first?.isUppercase == true)
        }
    }
}
