import CCurl

/// libcurl's process-wide initialisation, run once, before the first handle is made.
///
/// `curl_global_init` is not thread-safe; a `static let` is initialised exactly once (swift_once),
/// so no global mutable state is needed to guard it.
enum CurlGlobal {
    static let initialised: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK

    /// The libcurl version string, such as `libcurl/7.88.1 OpenSSL/3.0.17 zlib/1.2.13`.
    static var version: String {
        guard let text = curl_version() else { return "libcurl" }
        return String(cString: text)
    }
}
