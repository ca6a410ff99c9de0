import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Debian's `chromium`, started headless by a test and driven over the Chrome DevTools protocol: navigate,
/// evaluate JavaScript in the page, click, wait for the next page load, take PNG screenshots.
///
/// A missing browser is a test failure with the command that installs it, never a skip.
final class HeadlessChromium {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    private let process: Process
    private let profile: URL
    private let socket: WebSocketClient
    private var nextID = 0
    private var events: [String] = []
    private var closed = false

    /// The browser binary: `$CHROMIUM_BIN`, else `chromium`, `chromium-browser` or `google-chrome` on the PATH.
    static func binary(sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let environment = ProcessInfo.processInfo.environment
        if let explicit = environment["CHROMIUM_BIN"], FileManager.default.isExecutableFile(atPath: explicit) { return explicit }
        for directory in (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            for name in ["chromium", "chromium-browser", "google-chrome"] {
                let path = "\(directory)/\(name)"
                if FileManager.default.isExecutableFile(atPath: path) { return path }
            }
        }
        Issue.record(
            "chromium is not installed: the dashboard tests drive a real headless browser. Install it with `apt-get install -y chromium` (scripts/test does), or set CHROMIUM_BIN",
            sourceLocation: sourceLocation)
        throw Failure(description: "chromium not found")
    }

    /// Starts the browser with a fresh profile and connects to its first tab.
    init(width: Int = 1280, height: Int = 900) async throws {
        let binary = try Self.binary()
        profile = FileManager.default.temporaryDirectory.appendingPathComponent("tick-chromium-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: profile, withIntermediateDirectories: true)
        process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
            "--disable-extensions", "--disable-background-networking", "--hide-scrollbars", "--user-data-dir=\(profile.path)",
            "--remote-debugging-port=0", "--window-size=\(width),\(height)", "about:blank",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let portFile = profile.appendingPathComponent("DevToolsActivePort")
        var port: Int?
        var browserPath = ""
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, port == nil {
            if let text = try? String(contentsOf: portFile, encoding: .utf8) {
                let lines = text.split(separator: "\n")
                if lines.count >= 2 {
                    port = Int(lines[0])
                    browserPath = String(lines[1])
                }
            }
            if port == nil { try await Task.sleep(for: .milliseconds(50)) }
        }
        guard let port else {
            process.terminate()
            throw Failure(description: "chromium did not open its DevTools port within 30 s")
        }
        socket = try WebSocketClient(port: port, path: try await Self.pagePath(port: port, browserPath: browserPath))
        _ = try await call("Page.enable")
        _ = try await call("Runtime.enable")
    }

    deinit { close() }

    /// Ends the browser: `Browser.close`, then SIGTERM and at last SIGKILL if it lingers; removes the profile.
    /// Call it when done (`defer`): the waiting is done on a thread of its own, so a slow browser holds no
    /// worker of the test process.
    func close() {
        guard !closed else { return }
        closed = true
        let process = self.process
        let profile = self.profile
        if process.isRunning {
            nextID += 1
            try? socket.send(#"{"id":\#(nextID),"method":"Browser.close"}"#)
        }
        Thread.detachNewThread {
            let deadline = Date().addingTimeInterval(5)
            while process.isRunning, Date() < deadline { usleep(50_000) }
            if process.isRunning { process.terminate() }
            let killAt = Date().addingTimeInterval(5)
            while process.isRunning, Date() < killAt { usleep(50_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            try? FileManager.default.removeItem(at: profile)
        }
    }

    /// The WebSocket path of the first tab, asked of the browser target (`Target.getTargets`) whose path
    /// `DevToolsActivePort` names. (Foundation's HTTP client cannot read the DevTools HTTP endpoint's headers.)
    private static func pagePath(port: Int, browserPath: String) async throws -> String {
        let browser = try WebSocketClient(port: port, path: browserPath)
        let deadline = Date().addingTimeInterval(15)
        var id = 0
        while Date() < deadline {
            id += 1
            try browser.send(#"{"id":\#(id),"method":"Target.getTargets"}"#)
            while true {
                let reply = try JSONSerialization.jsonObject(with: Data(try await offPool { try browser.receive() }.utf8)) as? [String: Any] ?? [:]
                guard reply["id"] as? Int == id else { continue }
                let targets = (reply["result"] as? [String: Any])?["targetInfos"] as? [[String: Any]] ?? []
                if let page = targets.first(where: { $0["type"] as? String == "page" }), let target = page["targetId"] as? String {
                    return "/devtools/page/\(target)"
                }
                break
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw Failure(description: "chromium listed no page target within 15 s")
    }

    /// Sends a DevTools command and returns its `result`; events that arrive meanwhile are kept for ``waitForLoad()``.
    @discardableResult
    func call(_ method: String, _ parameters: [String: Any] = [:]) async throws -> [String: Any] {
        nextID += 1
        let id = nextID
        let message = try JSONSerialization.data(withJSONObject: ["id": id, "method": method, "params": parameters])
        let socket = self.socket
        let request = String(decoding: message, as: UTF8.self)
        try await offPool { try socket.send(request) }
        while true {
            let text = try await offPool { try socket.receive() }
            guard let reply = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { continue }
            if let event = reply["method"] as? String {
                events.append(event)
                continue
            }
            guard reply["id"] as? Int == id else { continue }
            if let error = reply["error"] as? [String: Any] { throw Failure(description: "\(method) failed: \(error)") }
            return reply["result"] as? [String: Any] ?? [:]
        }
    }

    /// Waits for the current navigation's `load` event.
    func waitForLoad(timeout: TimeInterval = 30) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let index = events.firstIndex(of: "Page.loadEventFired") {
                events.removeSubrange(...index)
                return
            }
            let socket = self.socket
            let text = try await offPool { try socket.receive() }
            if let reply = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], let event = reply["method"] as? String {
                events.append(event)
            }
        }
        throw Failure(description: "no page load within \(Int(timeout)) s")
    }

    /// Opens `url` and waits until it has loaded.
    func open(_ url: String) async throws {
        events.removeAll()
        let result = try await call("Page.navigate", ["url": url])
        if let error = result["errorText"] as? String { throw Failure(description: "cannot open \(url): \(error)") }
        try await waitForLoad()
    }

    /// Evaluates `expression` in the page and returns its value (JSON-compatible values only).
    func evaluate(_ expression: String) async throws -> Any? {
        let result = try await call("Runtime.evaluate", ["expression": expression, "returnByValue": true, "awaitPromise": true])
        if let exception = result["exceptionDetails"] { throw Failure(description: "\(expression) threw: \(exception)") }
        return (result["result"] as? [String: Any])?["value"]
    }

    /// The text of the first element matching `selector`, trimmed, or `nil` when there is none.
    func text(_ selector: String) async throws -> String? {
        try await evaluate("(function(){var e=document.querySelector(\(Self.quoted(selector)));return e?e.textContent.trim():null})()") as? String
    }

    /// The value of `attribute` of the first element matching `selector`.
    func attribute(_ selector: String, _ attribute: String) async throws -> String? {
        try await evaluate("(function(){var e=document.querySelector(\(Self.quoted(selector)));return e?e.getAttribute(\(Self.quoted(attribute))):null})()") as? String
    }

    /// How many elements match `selector`.
    func count(_ selector: String) async throws -> Int {
        (try await evaluate("document.querySelectorAll(\(Self.quoted(selector))).length") as? Int) ?? 0
    }

    /// Clicks the first element matching `selector` (a real click event, so forms submit as a user's would) and
    /// waits for the page it leads to.
    func click(_ selector: String) async throws {
        events.removeAll()
        let found = try await evaluate("(function(){var e=document.querySelector(\(Self.quoted(selector)));if(!e)return false;e.click();return true})()") as? Bool
        guard found == true else { throw Failure(description: "no element \(selector) to click") }
        try await waitForLoad()
    }

    /// Types `value` into the input matching `selector`.
    func fill(_ selector: String, _ value: String) async throws {
        let done = try await evaluate("(function(){var e=document.querySelector(\(Self.quoted(selector)));if(!e)return false;e.value=\(Self.quoted(value));return true})()") as? Bool
        guard done == true else { throw Failure(description: "no input \(selector)") }
    }

    /// The page's URL.
    func location() async throws -> String { (try await evaluate("location.href") as? String) ?? "" }

    /// Saves a PNG of the whole page (up to 4,000 px tall) to `path`.
    func screenshot(_ path: String) async throws {
        let height = min(4000, max(300, (try await evaluate("document.documentElement.scrollHeight") as? Int) ?? 900))
        let width = (try await evaluate("document.documentElement.clientWidth") as? Int) ?? 1280
        let result = try await call(
            "Page.captureScreenshot",
            ["format": "png", "captureBeyondViewport": true, "clip": ["x": 0, "y": 0, "width": width, "height": height, "scale": 1]])
        guard let base64 = result["data"] as? String, let data = Data(base64Encoded: base64) else {
            throw Failure(description: "the screenshot had no data")
        }
        try data.write(to: URL(fileURLWithPath: path))
    }

    /// `text` as a JavaScript string literal.
    static func quoted(_ text: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: [text])) ?? Data("[\"\"]".utf8)
        return String(String(decoding: data, as: UTF8.self).dropFirst().dropLast())
    }
}
