import CCurl

/// One request for ``CurlMultiDriver``.
struct HTTPTransferRequest: Sendable {
    /// `POST`, `PUT`, `PATCH`, …
    var method: String
    var url: String
    /// Header lines, `Name: value`.
    var headers: [String]
    var body: [UInt8]
    /// Bound on establishing the connection (TCP and TLS).
    var connectTimeout: Duration
    /// Bound on the whole exchange.
    var totalTimeout: Duration
    /// Response body bytes kept; a longer body aborts the transfer with ``HTTPTransferResponse/bodyOverflowed``.
    var bodyLimit: Int
    /// A CA bundle to verify servers with instead of the system's.
    var caBundle: String?
}

/// One response as received (redirects are never followed).
struct HTTPTransferResponse: Sendable {
    var status: Int
    /// Header names lower-cased; the last value of a repeated header wins.
    var headers: [String: String]
    /// At most the request's `bodyLimit` bytes.
    var body: [UInt8]
    /// Whether the body was longer than the limit (the transfer was cut there).
    var bodyOverflowed: Bool
}

/// How a transfer ended.
enum HTTPTransferResult: Sendable {
    case response(HTTPTransferResponse)
    case failed(TransportError)
    /// The calling task was cancelled; the transfer was aborted.
    case cancelled
}

/// A transfer the driver's thread is running: its easy handle and what libcurl writes into.
///
/// Made, used and freed on the driver's thread only.
final class ActiveTransfer {
    let easy: UnsafeMutableRawPointer
    let continuation: CheckedContinuation<HTTPTransferResult, Never>
    private let bodyLimit: Int
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer: UnsafeMutablePointer<CChar>
    var body: [UInt8] = []
    var headers: [String: String] = [:]
    var overflowed = false

    private init(easy: UnsafeMutableRawPointer, continuation: CheckedContinuation<HTTPTransferResult, Never>, bodyLimit: Int) {
        self.easy = easy
        self.continuation = continuation
        self.bodyLimit = bodyLimit
        self.errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        self.errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit {
        curl_easy_cleanup(easy)
        curl_slist_free_all(headerList)
        errorBuffer.deallocate()
    }

    /// An easy handle set up for `request`, or why it could not be.
    static func make(_ request: HTTPTransferRequest, continuation: CheckedContinuation<HTTPTransferResult, Never>) -> Result<ActiveTransfer, TransportError> {
        guard let easy = curl_easy_init() else {
            return .failure(TransportError(kind: .local, message: "libcurl could not make a transfer handle"))
        }
        let transfer = ActiveTransfer(easy: easy, continuation: continuation, bodyLimit: max(0, request.bodyLimit))
        let code = transfer.configure(request)
        guard code == CURLE_OK else {
            return .failure(TransportError(kind: .local, message: "libcurl option: \(String(cString: curl_easy_strerror(code)))"))
        }
        return .success(transfer)
    }

    private func configure(_ request: HTTPTransferRequest) -> CURLcode {
        for line in request.headers { headerList = curl_slist_append(headerList, line) }
        // No "Expect: 100-continue" round trip for larger bodies.
        headerList = curl_slist_append(headerList, "Expect:")
        let me = Unmanaged.passUnretained(self).toOpaque()
        var status = CURLE_OK
        func set(_ option: CURLoption, _ value: Int) {
            if status == CURLE_OK { status = tick_curl_setopt_long(easy, option, value) }
        }
        func set(_ option: CURLoption, text: String) {
            if status == CURLE_OK { status = text.withCString { tick_curl_setopt_ptr(easy, option, $0) } }
        }
        func set(_ option: CURLoption, pointer: UnsafeRawPointer?) {
            if status == CURLE_OK { status = tick_curl_setopt_ptr(easy, option, pointer) }
        }
        // libcurl copies string options, so the Swift strings may go away after setopt.
        set(CURLOPT_URL, text: request.url)
        set(CURLOPT_PROTOCOLS_STR, text: "http,https")
        set(CURLOPT_NOSIGNAL, 1)
        set(CURLOPT_TCP_NODELAY, 1)
        set(CURLOPT_FOLLOWLOCATION, 0)
        set(CURLOPT_PIPEWAIT, 1)
        set(CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_2TLS))
        set(CURLOPT_SSL_VERIFYPEER, 1)
        set(CURLOPT_SSL_VERIFYHOST, 2)
        if let bundle = request.caBundle { set(CURLOPT_CAINFO, text: bundle) }
        set(CURLOPT_CONNECTTIMEOUT_MS, CurlConventions.milliseconds(request.connectTimeout))
        set(CURLOPT_TIMEOUT_MS, CurlConventions.milliseconds(request.totalTimeout))
        set(CURLOPT_ERRORBUFFER, pointer: errorBuffer)
        set(CURLOPT_HTTPHEADER, pointer: headerList)
        set(CURLOPT_CUSTOMREQUEST, text: request.method)
        set(CURLOPT_POSTFIELDSIZE, request.body.count)
        if status == CURLE_OK {
            // COPYPOSTFIELDS copies the body now (a non-null pointer even when empty, so stdin is never read).
            status = request.body.withUnsafeBytes { bytes in
                tick_curl_setopt_ptr(easy, CURLOPT_COPYPOSTFIELDS, bytes.baseAddress ?? UnsafeRawPointer(errorBuffer))
            }
        }
        set(CURLOPT_WRITEDATA, pointer: me)
        set(CURLOPT_HEADERDATA, pointer: me)
        if status == CURLE_OK { status = tick_curl_setopt_data_cb(easy, CURLOPT_WRITEFUNCTION, transferWriteBody) }
        if status == CURLE_OK { status = tick_curl_setopt_data_cb(easy, CURLOPT_HEADERFUNCTION, transferWriteHeader) }
        return status
    }

    /// The transfer's result once libcurl reports it done with `code`.
    func result(_ code: CURLcode) -> HTTPTransferResult {
        var status = 0
        _ = tick_curl_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        if code == CURLE_OK || (code == CURLE_WRITE_ERROR && overflowed) {
            return .response(HTTPTransferResponse(status: status, headers: headers, body: body, bodyOverflowed: overflowed))
        }
        let detail = String(cString: errorBuffer)
        let text = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        return .failed(TransportError(kind: TransportError.Kind(code), message: text))
    }

    fileprivate func appendBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard body.count + bytes.count <= bodyLimit else {
            body.append(contentsOf: bytes.prefix(bodyLimit - body.count))
            overflowed = true
            return false
        }
        body.append(contentsOf: bytes)
        return true
    }

    fileprivate func appendHeader(_ line: UnsafeRawBufferPointer) {
        CurlConventions.appendHeader(line, to: &headers)
    }
}

private func transferWriteBody(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ user: UnsafeMutableRawPointer?) -> Int {
    guard let data, let user else { return 0 }
    let transfer = Unmanaged<ActiveTransfer>.fromOpaque(user).takeUnretainedValue()
    return transfer.appendBody(UnsafeRawBufferPointer(start: data, count: size * count)) ? size * count : 0
}

private func transferWriteHeader(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ user: UnsafeMutableRawPointer?) -> Int {
    guard let data, let user else { return 0 }
    let transfer = Unmanaged<ActiveTransfer>.fromOpaque(user).takeUnretainedValue()
    transfer.appendHeader(UnsafeRawBufferPointer(start: data, count: size * count))
    return size * count
}

extension TransportError.Kind {
    /// Whether libcurl's code means nothing was sent, the reply timed out, or the reply was lost.
    init(_ code: CURLcode) {
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT,
            CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE,
            CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT:
            self = .notSent
        case CURLE_OPERATION_TIMEDOUT:
            self = .timedOut
        case CURLE_OUT_OF_MEMORY, CURLE_FAILED_INIT, CURLE_UNKNOWN_OPTION, CURLE_BAD_FUNCTION_ARGUMENT:
            self = .local
        default:
            self = .replyLost
        }
    }
}
