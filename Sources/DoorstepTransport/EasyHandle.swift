import CCurl
import Foundation
import Synchronization

/// `curl_global_init` runs once per process, before the first handle (Swift runs a global's
/// initialiser exactly once, thread-safely).
private let curlGlobalInit: CURLcode = ds_curl_global_init_all()

/// A flag that a task sets when it is cancelled and the transfer thread polls.
final class CancellationFlag: Sendable {
    private let state = Atomic<Bool>(false)

    func cancel() { state.store(true, ordering: .relaxed) }
    var isCancelled: Bool { state.load(ordering: .relaxed) }
}

/// What one transfer accumulates while libcurl calls back into Swift; reached from the C
/// callbacks through `Unmanaged` userdata and used only on the transfer's thread.
private final class Transfer {
    var status = 0
    var headers: [String: String] = [:]
    /// Whether the blank line ending the current response's headers arrived: libcurl takes a
    /// connection closed inside the headers for the end of a response with no body.
    var headersEnded = false
    var body = Data()
    var bodyTooLarge = false
    let maximumBodySize: Int
    let cancellation: CancellationFlag

    init(maximumBodySize: Int, cancellation: CancellationFlag) {
        self.maximumBodySize = maximumBodySize
        self.cancellation = cancellation
    }

    /// Records one header line; a status line starts a new response (after `100 Continue`).
    func receiveHeaderLine(_ line: Substring) {
        let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty {
            headersEnded = true
            return
        }
        if trimmed.hasPrefix("HTTP/") {
            headers = [:]
            headersEnded = false
            let parts = trimmed.split(separator: " ", maxSplits: 2)
            status = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
            return
        }
        guard let colon = trimmed.firstIndex(of: ":") else { return }
        let name = trimmed[..<colon].lowercased()
        let value = trimmed[trimmed.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        if let existing = headers[name] {
            headers[name] = existing + ", " + value
        } else {
            headers[name] = value
        }
        if name == "content-length", let length = Int(value), length > 0 {
            body.reserveCapacity(min(length, maximumBodySize))
        }
    }
}

/// libcurl's write callback: appends the bytes to the transfer's body.
private let writeBody: curl_write_callback = { pointer, size, count, userdata in
    let transfer = Unmanaged<Transfer>.fromOpaque(userdata!).takeUnretainedValue()
    let length = size * count
    guard let pointer, length > 0 else { return length }
    if transfer.body.count + length > transfer.maximumBodySize {
        transfer.bodyTooLarge = true
        return 0
    }
    pointer.withMemoryRebound(to: UInt8.self, capacity: length) { bytes in
        transfer.body.append(bytes, count: length)
    }
    return length
}

/// libcurl's header callback: one complete header line per call.
private let receiveHeader: curl_write_callback = { pointer, size, count, userdata in
    let transfer = Unmanaged<Transfer>.fromOpaque(userdata!).takeUnretainedValue()
    let length = size * count
    guard let pointer else { return length }
    let line = pointer.withMemoryRebound(to: UInt8.self, capacity: length) { bytes in
        String(decoding: UnsafeBufferPointer(start: bytes, count: length), as: UTF8.self)
    }
    transfer.receiveHeaderLine(line[...])
    return length
}

/// libcurl's progress callback, called at least once a second: aborts a cancelled transfer.
private let checkCancellation: curl_xferinfo_callback = { userdata, _, _, _, _ in
    let transfer = Unmanaged<Transfer>.fromOpaque(userdata!).takeUnretainedValue()
    return transfer.cancellation.isCancelled ? 1 : 0
}

/// Owns one libcurl easy handle and performs blocking transfers with it, one at a time.
///
/// The handle is reused between requests (`curl_easy_reset` keeps its connection cache, so
/// consecutive requests to the same server share a kept-alive connection). Not thread-safe:
/// ``HTTPClient`` confines it to its transfer queue.
final class EasyHandle {
    private let handle: UnsafeMutableRawPointer
    /// The header list of the current request; it must live as long as the handle may use it.
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer: UnsafeMutablePointer<CChar>

    init() throws(TransportError) {
        guard curlGlobalInit == CURLE_OK, let handle = curl_easy_init() else {
            throw .failed(host: "-", code: Int(CURLE_FAILED_INIT.rawValue), detail: "libcurl could not be initialised")
        }
        self.handle = handle
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    deinit {
        curl_easy_cleanup(handle)
        curl_slist_free_all(headerList)
        errorBuffer.deallocate()
    }

    /// Performs `request` and blocks until the whole response arrived or the transfer failed.
    func perform(
        _ request: HTTPRequest, configuration: TransportConfiguration, cancellation: CancellationFlag
    ) -> Result<HTTPResponse, TransportError> {
        let host = Self.hostDescription(request.url)
        guard let scheme = request.url.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            return .failure(.invalidURL(request.url.absoluteString))
        }
        curl_easy_reset(handle)
        errorBuffer[0] = 0
        let transfer = Transfer(maximumBodySize: configuration.maximumResponseSize, cancellation: cancellation)
        let code = withExtendedLifetime(transfer) { () -> CURLcode in
            let userdata = Unmanaged.passUnretained(transfer).toOpaque()
            var code = configure(request, configuration: configuration, userdata: userdata)
            guard code == CURLE_OK else { return code }
            guard let body = request.body else { return curl_easy_perform(handle) }
            code = ds_curl_easy_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
            guard code == CURLE_OK else { return code }
            if body.isEmpty {
                code = ds_curl_easy_setopt_string(handle, CURLOPT_COPYPOSTFIELDS, "")
                return code == CURLE_OK ? curl_easy_perform(handle) : code
            }
            // The body is lent to libcurl for the duration of the transfer, not copied.
            return body.withUnsafeBytes { bytes in
                let code = ds_curl_easy_setopt_pointer(handle, CURLOPT_POSTFIELDS, bytes.baseAddress)
                return code == CURLE_OK ? curl_easy_perform(handle) : code
            }
        }
        guard code == CURLE_OK else {
            return .failure(error(for: code, host: host, transfer: transfer))
        }
        guard transfer.headersEnded else {
            return .failure(.connectionLost(host: host, detail: "the connection closed before the answer's headers ended"))
        }
        var status = 0
        if ds_curl_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status) == CURLE_OK, status > 0 {
            transfer.status = status
        }
        return .success(HTTPResponse(status: transfer.status, headers: transfer.headers, body: transfer.body))
    }

    /// Sets every option of one request on the freshly reset handle.
    private func configure(
        _ request: HTTPRequest, configuration: TransportConfiguration, userdata: UnsafeMutableRawPointer
    ) -> CURLcode {
        curl_slist_free_all(headerList)
        headerList = nil
        var list: UnsafeMutablePointer<curl_slist>?
        var hasContentType = false
        for header in request.headers {
            if header.name.caseInsensitiveCompare("Content-Type") == .orderedSame { hasContentType = true }
            list = curl_slist_append(list, "\(header.name): \(header.value)")
        }
        if request.body != nil && !hasContentType {
            list = curl_slist_append(list, "Content-Type: application/octet-stream")
        }
        // No `Expect: 100-continue` round trip before large bodies.
        list = curl_slist_append(list, "Expect:")
        headerList = list

        var settings: [CURLcode] = [
            ds_curl_easy_setopt_string(handle, CURLOPT_URL, request.url.absoluteString),
            ds_curl_easy_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https"),
            ds_curl_easy_setopt_long(handle, CURLOPT_NOSIGNAL, 1),
            ds_curl_easy_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0),
            ds_curl_easy_setopt_long(handle, CURLOPT_TCP_KEEPALIVE, 1),
            ds_curl_easy_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, configuration.connectTimeout.roundedUpMilliseconds),
            ds_curl_easy_setopt_long(handle, CURLOPT_LOW_SPEED_LIMIT, configuration.lowSpeedLimit),
            ds_curl_easy_setopt_long(
                handle, CURLOPT_LOW_SPEED_TIME, max(1, (configuration.lowSpeedTime.roundedUpMilliseconds + 999) / 1000)
            ),
            ds_curl_easy_setopt_long(handle, CURLOPT_TIMEOUT_MS, configuration.requestTimeout?.roundedUpMilliseconds ?? 0),
            // An empty string offers every encoding libcurl can decode and decodes the answer.
            ds_curl_easy_setopt_string(handle, CURLOPT_ACCEPT_ENCODING, ""),
            ds_curl_easy_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1),
            ds_curl_easy_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 2),
            ds_curl_easy_setopt_string(handle, CURLOPT_USERAGENT, configuration.userAgent),
            ds_curl_easy_setopt_slist(handle, CURLOPT_HTTPHEADER, list),
            ds_curl_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer),
            ds_curl_easy_setopt_write_function(handle, CURLOPT_WRITEFUNCTION, writeBody),
            ds_curl_easy_setopt_pointer(handle, CURLOPT_WRITEDATA, userdata),
            ds_curl_easy_setopt_write_function(handle, CURLOPT_HEADERFUNCTION, receiveHeader),
            ds_curl_easy_setopt_pointer(handle, CURLOPT_HEADERDATA, userdata),
            ds_curl_easy_setopt_xferinfo_function(handle, checkCancellation),
            ds_curl_easy_setopt_pointer(handle, CURLOPT_XFERINFODATA, userdata),
            ds_curl_easy_setopt_long(handle, CURLOPT_NOPROGRESS, 0),
        ]
        if let caFile = configuration.caFile {
            settings.append(ds_curl_easy_setopt_string(handle, CURLOPT_CAINFO, caFile))
        }
        switch request.method {
        case .get:
            settings.append(ds_curl_easy_setopt_long(handle, CURLOPT_HTTPGET, 1))
        case .head:
            settings.append(ds_curl_easy_setopt_long(handle, CURLOPT_NOBODY, 1))
        case .post:
            settings.append(ds_curl_easy_setopt_long(handle, CURLOPT_POST, 1))
        default:
            settings.append(ds_curl_easy_setopt_string(handle, CURLOPT_CUSTOMREQUEST, request.method.rawValue))
        }
        return settings.first { $0 != CURLE_OK } ?? CURLE_OK
    }

    /// Maps a libcurl failure to the error people read.
    private func error(for code: CURLcode, host: String, transfer: Transfer) -> TransportError {
        let buffered = String(cString: errorBuffer)
        let detail = buffered.isEmpty ? String(cString: curl_easy_strerror(code)) : buffered
        switch code {
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT:
            return .invalidURL(host)
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return .cannotResolveHost(host: host, detail: detail)
        case CURLE_COULDNT_CONNECT, CURLE_PROXY:
            return .cannotConnect(host: host, detail: systemReason() ?? detail)
        case CURLE_OPERATION_TIMEDOUT:
            return .timedOut(host: host, detail: detail)
        case CURLE_GOT_NOTHING, CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_PARTIAL_FILE, CURLE_HTTP2,
             CURLE_HTTP2_STREAM, CURLE_WEIRD_SERVER_REPLY:
            return .connectionLost(host: host, detail: detail)
        case CURLE_SSL_CONNECT_ERROR:
            return .tlsHandshakeFailed(host: host, detail: detail)
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR,
             CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CERTPROBLEM:
            return .certificateNotTrusted(host: host, detail: detail)
        case CURLE_BAD_CONTENT_ENCODING:
            return .badContentEncoding(host: host, detail: detail)
        case CURLE_WRITE_ERROR where transfer.bodyTooLarge:
            return .responseTooLarge(host: host, limit: transfer.maximumBodySize)
        default:
            return .failed(host: host, code: Int(code.rawValue), detail: detail)
        }
    }

    /// Why the system refused the last connection, in its own words ("connection refused", "no
    /// route to host"), from `CURLINFO_OS_ERRNO`; `nil` when libcurl recorded no error number.
    private func systemReason() -> String? {
        var number = 0
        guard ds_curl_easy_getinfo_long(handle, CURLINFO_OS_ERRNO, &number) == CURLE_OK, number != 0 else { return nil }
        return String(cString: strerror(Int32(number))).lowercased()
    }

    /// `scheme://host:port` of a URL, as named in error sentences.
    static func hostDescription(_ url: URL) -> String {
        guard let scheme = url.scheme, let host = url.host else { return url.absoluteString }
        return url.port.map { "\(scheme)://\(host):\($0)" } ?? "\(scheme)://\(host)"
    }
}
