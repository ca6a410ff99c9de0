#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension TickConfigFile {
    static let httpKeys: Set<String> = [
        "kind", "url", "method", "headers", "timeout_ms", "concurrency", "rate", "signing_key", "unsigned",
        "signature_ttl_s", "max_result_bytes", "ca_bundle", "stop_on_failure", "limits",
    ]

    /// Largest `concurrency` of an `http` handler, as for `--concurrency`.
    public static let maximumHTTPConcurrency = 1000
    /// Longest `signature_ttl_s`: one hour.
    public static let maximumSignatureTTLSeconds = 3600

    /// The settings of one `http` handler, checked and with `${NAME}` expanded from the environment.
    ///
    /// Messages name the variable, never its value: a `${…}` usually holds a secret.
    struct HTTPFields {
        let members: [String: JSONValue]
        let path: String
        let handler: String
        let environment: [String: String]
        /// What messages name: the handler by default, `alerts[N]` for an alert sink.
        var subject: String?

        func failure(_ message: String) -> ConfigFileError {
            ConfigFileError(.invalidValue, path: path, handler: handler, "\(path): \(subject ?? "handler \(TickConfigFile.quoted(handler))"): \(message)")
        }

        func configuration() throws(ConfigFileError) -> HTTPHandler.Configuration {
            guard case .string(let template)? = members["url"], !template.isEmpty else {
                throw failure(#""url" is required: the endpoint to call, like "https://app.example.com/api/tick""#)
            }
            let url = try expand(template, key: "url")
            let lower = url.lowercased()
            guard lower.hasPrefix("https://") || lower.hasPrefix("http://"), url.count > 8 else {
                throw failure(#""url" must start with https:// (or http:// for a local endpoint)"#)
            }
            guard !url.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F }) else {
                throw failure(#""url" must not contain spaces or control characters (percent-encode them)"#)
            }

            var method = "POST"
            if let value = members["method"] {
                guard case .string(let text) = value, HTTPHandler.Configuration.methods.contains(text.uppercased()) else {
                    throw failure(#""method" must be "POST", "PUT" or "PATCH""#)
                }
                method = text.uppercased()
            }

            let signer = try signer()
            var configuration = HTTPHandler.Configuration(url: url, method: method, signer: signer)
            configuration.headers = try headers()
            if let value = members["concurrency"] {
                guard let count = value.intValue, (1...maximumHTTPConcurrency).contains(count) else {
                    throw failure(#""concurrency" must be a whole number from 1 to \#(maximumHTTPConcurrency)"#)
                }
                configuration.concurrency = count
            }
            if let value = members["rate"] { configuration.rate = try rate(value) }
            if let value = members["max_result_bytes"] {
                let maximum = HTTPHandler.Configuration.maximumResultBytes
                guard let bytes = value.intValue, (0...maximum).contains(bytes) else {
                    throw failure(#""max_result_bytes" must be a whole number from 0 to \#(maximum)"#)
                }
                configuration.maxResultBytes = bytes
            }
            if let value = members["ca_bundle"] {
                guard case .string(let template) = value, !template.isEmpty else {
                    throw failure(#""ca_bundle" must be the path of a PEM file of CA certificates"#)
                }
                let bundle = try expand(template, key: "ca_bundle")
                guard access(bundle, R_OK) == 0 else {
                    throw failure(#""ca_bundle" \#(TickConfigFile.quoted(bundle)) cannot be read: \#(String(cString: strerror(errno)))"#)
                }
                configuration.caBundle = bundle
            }
            return configuration
        }

        /// `signing_key` (with `signature_ttl_s`), or `nil` for `"unsigned": true`.
        private func signer() throws(ConfigFileError) -> HTTPSigner? {
            var signer: HTTPSigner?
            let unsigned: Bool
            switch members["unsigned"] {
            case nil: unsigned = false
            case .bool(let value)?: unsigned = value
            case _?: throw failure(#""unsigned" must be true or false"#)
            }
            switch (members["signing_key"], unsigned) {
            case (nil, false):
                throw failure(#""signing_key" is required, like "${TICK_SIGNING_KEY}" (at least \#(HTTPSigner.minimumKeyBytes) bytes), so the endpoint can verify calls; set "unsigned": true to send unsigned requests"#)
            case (nil, true):
                signer = nil
            case (.string(let template)?, false):
                let key = try expand(template, key: "signing_key")
                guard key.utf8.count >= HTTPSigner.minimumKeyBytes else {
                    throw failure(#""signing_key" must be at least \#(HTTPSigner.minimumKeyBytes) bytes: generate one with `openssl rand -hex 32`"#)
                }
                var ttl = HTTPSigner.defaultTTL
                if let value = members["signature_ttl_s"] {
                    guard let seconds = value.intValue, (1...maximumSignatureTTLSeconds).contains(seconds) else {
                        throw failure(#""signature_ttl_s" must be a whole number of seconds from 1 to \#(maximumSignatureTTLSeconds)"#)
                    }
                    ttl = .seconds(seconds)
                }
                signer = HTTPSigner(key: Secret(key), ttl: ttl)
            case (.string?, true):
                throw failure(#"set either "signing_key" or "unsigned": true, not both"#)
            case (_?, _):
                throw failure(#""signing_key" must be a string, like "${TICK_SIGNING_KEY}""#)
            }
            if signer == nil, members["signature_ttl_s"] != nil {
                throw failure(#""signature_ttl_s" needs a "signing_key""#)
            }
            return signer
        }

        private func headers() throws(ConfigFileError) -> [HTTPHandler.Configuration.Header] {
            guard let value = members["headers"] else { return [] }
            guard case .object(let entries) = value else {
                throw failure(#""headers" must be an object of string values, like {"Authorization": "Bearer ${APP_TOKEN}"}"#)
            }
            var headers: [HTTPHandler.Configuration.Header] = []
            for name in entries.keys.sorted() {
                guard Self.isToken(name) else {
                    throw failure(#""headers" name \#(TickConfigFile.quoted(name)) is not a valid HTTP header name"#)
                }
                guard !HTTPHandler.reservedHeaders.contains(name.lowercased()) else {
                    throw failure(#""headers" must not set \#(name): tick sets it"#)
                }
                guard case .string(let template)? = entries[name] else {
                    throw failure(#""headers" value of \#(name) must be a string"#)
                }
                let text = try expand(template, key: "headers.\(name)")
                guard !text.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) else {
                    throw failure(#""headers" value of \#(name) must not contain line breaks or NUL"#)
                }
                headers.append(.init(name: name, value: Secret(text)))
            }
            return headers
        }

        private func rate(_ value: JSONValue) throws(ConfigFileError) -> HTTPHandler.Configuration.Rate {
            let usage = #""rate" must be an object like {"requests": 10, "period_ms": 1000}"#
            guard case .object(let fields) = value, Set(fields.keys) == ["requests", "period_ms"] else { throw failure(usage) }
            guard let requests = fields["requests"]?.intValue, (1...1_000_000).contains(requests) else {
                throw failure(#""rate.requests" must be a whole number from 1 to 1000000"#)
            }
            guard let period = fields["period_ms"]?.intValue, (1...TickConfigFile.maximumTimeoutMilliseconds).contains(period) else {
                throw failure(#""rate.period_ms" must be a whole number of milliseconds from 1 to \#(TickConfigFile.maximumTimeoutMilliseconds)"#)
            }
            return .init(requests: requests, period: .milliseconds(period))
        }

        /// `template` with every `${NAME}` replaced by the variable's value; a `$` not followed by `{`
        /// stays as it is.
        func expand(_ template: String, key: String) throws(ConfigFileError) -> String {
            var output = ""
            var rest = Substring(template)
            while let dollar = rest.firstRange(of: "${") {
                output += rest[..<dollar.lowerBound]
                let after = rest[dollar.upperBound...]
                guard let close = after.firstIndex(of: "}") else {
                    throw failure(#""\#(key)" has a "${" without its "}""#)
                }
                let name = String(after[..<close])
                guard TickConfigFile.isValidVariableName(name) else {
                    throw failure(#""\#(key)" refers to ${\#(name)}, which is not a valid variable name"#)
                }
                guard let value = environment[name], !value.isEmpty else {
                    throw failure(#""\#(key)" uses ${\#(name)}, which is not set: export it in the environment tick runs in (or its env file)"#)
                }
                output += value
                rest = after[after.index(after: close)...]
            }
            return output + rest
        }

        /// An RFC 9110 token: letters, digits and ``!#$%&'*+-.^_`|~``.
        static func isToken(_ name: String) -> Bool {
            !name.isEmpty && name.utf8.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                    || Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
            }
        }
    }
}
