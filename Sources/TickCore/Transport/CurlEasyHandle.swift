import CCurl

/// One reusable libcurl easy handle: a run keeps it for all its requests, so they share one
/// keep-alive (and TLS) connection to the Upstash endpoint.
///
/// Not thread-safe, and not `Sendable`: it is owned by one ``UpstashClient`` actor, which serialises use.
final class CurlEasyHandle {
    private let handle: UnsafeMutableRawPointer

    /// Creates a handle.
    /// - Throws: ``TransportError`` of kind `.local` if libcurl cannot be initialised.
    init() throws(TransportError) {
        guard CurlGlobal.initialised, let handle = curl_easy_init() else {
            throw TransportError(kind: .local, message: "libcurl could not be initialised")
        }
        self.handle = handle
    }

    deinit { curl_easy_cleanup(handle) }

    /// Performs one exchange and returns the response, whatever its status.
    /// - Throws: ``TransportError`` when no complete response arrived.
    func perform(_ request: HTTPRequest) throws(TransportError) -> HTTPResponse {
        curl_easy_reset(handle)  // keeps the connection cache, drops the previous request's options
        let sink = ResponseSink()
        let sinkPointer = Unmanaged.passUnretained(sink).toOpaque()
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headerList) }
        for line in request.headers { headerList = curl_slist_append(headerList, line) }

        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let code: CURLcode = withExtendedLifetime(sink) {
            request.url.withCString { url in
                request.body.withUnsafeBytes { body in
                    errorBuffer.withUnsafeMutableBufferPointer { errors in
                        var status = tick_curl_setopt_ptr(handle, CURLOPT_URL, url)
                        func set(_ option: CURLoption, _ value: Int) {
                            if status == CURLE_OK { status = tick_curl_setopt_long(handle, option, value) }
                        }
                        func set(_ option: CURLoption, pointer: UnsafeRawPointer?) {
                            if status == CURLE_OK { status = tick_curl_setopt_ptr(handle, option, pointer) }
                        }
                        set(CURLOPT_NOSIGNAL, 1)
                        set(CURLOPT_TCP_NODELAY, 1)
                        set(CURLOPT_FOLLOWLOCATION, 0)
                        set(CURLOPT_CONNECTTIMEOUT_MS, CurlConventions.milliseconds(request.connectTimeout))
                        set(CURLOPT_TIMEOUT_MS, CurlConventions.milliseconds(request.totalTimeout))
                        set(CURLOPT_ERRORBUFFER, pointer: errors.baseAddress)
                        set(CURLOPT_HTTPHEADER, pointer: headerList)
                        switch request.method {
                        case .get:
                            set(CURLOPT_HTTPGET, 1)
                        case .post:
                            set(CURLOPT_POST, 1)
                            if status == CURLE_OK {
                                status = tick_curl_setopt_off(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
                            }
                            // A non-null pointer even for an empty body, so libcurl never reads stdin.
                            set(CURLOPT_POSTFIELDS, pointer: body.baseAddress ?? UnsafeRawPointer(errors.baseAddress))
                        }
                        set(CURLOPT_WRITEDATA, pointer: sinkPointer)
                        set(CURLOPT_HEADERDATA, pointer: sinkPointer)
                        if status == CURLE_OK {
                            status = tick_curl_setopt_data_cb(handle, CURLOPT_WRITEFUNCTION, curlWriteBody)
                        }
                        if status == CURLE_OK {
                            status = tick_curl_setopt_data_cb(handle, CURLOPT_HEADERFUNCTION, curlWriteHeader)
                        }
                        guard status == CURLE_OK else { return status }
                        return curl_easy_perform(handle)
                    }
                }
            }
        }
        guard code == CURLE_OK else {
            let detail = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let text = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
            throw TransportError(kind: TransportError.Kind(code), message: text)
        }
        var status = 0
        _ = tick_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return HTTPResponse(status: status, headers: sink.headers, body: sink.body)
    }
}

/// Collects one response's headers and body from libcurl's callbacks.
private final class ResponseSink {
    var body: [UInt8] = []
    var headers: [String: String] = [:]

    func appendHeader(_ line: UnsafeRawBufferPointer) { CurlConventions.appendHeader(line, to: &headers) }
}

private func curlWriteBody(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ user: UnsafeMutableRawPointer?) -> Int {
    guard let data, let user else { return 0 }
    let sink = Unmanaged<ResponseSink>.fromOpaque(user).takeUnretainedValue()
    sink.body.append(contentsOf: UnsafeRawBufferPointer(start: data, count: size * count))
    return size * count
}

private func curlWriteHeader(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ user: UnsafeMutableRawPointer?) -> Int {
    guard let data, let user else { return 0 }
    let sink = Unmanaged<ResponseSink>.fromOpaque(user).takeUnretainedValue()
    sink.appendHeader(UnsafeRawBufferPointer(start: data, count: size * count))
    return size * count
}

extension String {
    /// The string without leading and trailing characters from `set`.
    func trimmingCharacters(in set: String) -> String {
        let chars = Set(set)
        guard let start = firstIndex(where: { !chars.contains($0) }) else { return "" }
        guard let end = lastIndex(where: { !chars.contains($0) }) else { return "" }
        return String(self[start...end])
    }
}
