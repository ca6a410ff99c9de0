import Foundation
import Testing
import TickCore  // NOT @testable: the public API only

/// The config file's strictness: JSON mistakes with line and column, unknown top-level keys as warnings with
/// a suggestion, the new per-handler keys, relative commands, and handlers checked before a run.
struct ConfigStrictnessTests {
    func parse(_ text: String, path: String = "tick.json") throws(ConfigFileError) -> TickConfigFile {
        try TickConfigFile.parse(bytes: Array(text.utf8), path: path)
    }

    func error(_ text: String) -> ConfigFileError? {
        do {
            _ = try parse(text)
            return nil
        } catch {
            return error
        }
    }

    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("config-strict-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    // MARK: - Syntax

    @Test func syntaxErrorNamesLineAndColumn() throws {
        let text = """
            {
              "handlers": {
                "resize": {"kind": "exec" "command": ["./x"]}
              }
            }
            """
        let failure = try #require(error(text))
        #expect(failure.line == 3 && failure.column == 31, "\(failure)")
        #expect(failure.description == #"tick.json:3:31: not valid JSON: expected "," or "}", found a string: is a comma missing?"#)
        #expect(failure.exitCode == .config)
    }

    @Test(arguments: [
        (#"{"handlers": {"n": {"kind": "noop"},}}"#, 1, 36, #"trailing comma: remove the "," before "}""#),
        ("{\"handlers\": {\n  \"n\": {\"kind\": \"noop\", \"command\": [\"a\",]}}}", 2, 40, #"trailing comma: remove the "," before "]""#),
        (#"{"handlers": {}, "handlers": {}}"#, 1, 18, #"duplicate key "handlers": each key may appear once in an object"#),
        ("{\n  // resize images\n  \"handlers\": {}\n}", 2, 3, "expected a key in double quotes, found a comment (JSON has none)"),
        (#"{'handlers': {}}"#, 1, 2, "expected a key in double quotes, found a single quote (JSON strings use double quotes)"),
        (#"{"handlers": {"n": {"kind": noop}}}"#, 1, 29, #"expected a value, found "n" (strings need double quotes)"#),
        (#"{"handlers": {}"#, 1, 16, #"expected "," or "}", found the end of the file: is a comma missing?"#),
        ("", 1, 1, "expected a value, found the end of the file"),
        (#"{"handlers": {}} {}"#, 1, 18, #"unexpected "{" after the end of the JSON value"#),
        (#"{"a": 01}"#, 1, 8, "invalid number: no leading zeros"),
        ("{\"héllo\": 1,}", 1, 12, #"trailing comma: remove the "," before "}""#),
    ])
    func strictJSONMistakes(text: String, line: Int, column: Int, message: String) throws {
        let failure = try #require(error(text), "\(text) was accepted")
        #expect(failure.line == line && failure.column == column, "\(failure)")
        #expect(failure.description == "tick.json:\(line):\(column): not valid JSON: \(message)")
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let text = #"{"x": "# + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}"
        #expect(error(text) != nil)
    }

    @Test func validJSONStillParses() throws {
        let config = try parse(#" { "handlers" : { "n" : { "kind" : "noop" , "timeout_ms" : 1e3 } } , "schedules" : { } } "#)
        #expect(config.handlers["n"]?.itemTimeout == .seconds(1))
        #expect(try parse(#"{"a\"b": [true, false, null, -0.5e-3, "\u00e9\n"]}"#).handlers.isEmpty)
    }

    // MARK: - Unknown top-level keys

    @Test func unknownTopLevelKeyWarnsWithTheClosestKnownKey() throws {
        let config = try parse(#"{"handler": {"resize": {"kind": "noop"}}, "Schedule": {}, "later": 1}"#)
        #expect(config.handlers.isEmpty, "the misspelt section is not read")
        #expect(config.warnings.map(\.key) == ["Schedule", "handler", "later"])
        #expect(config.warnings.map(\.suggestion) == ["schedules", "handlers", nil])
        #expect(config.warnings[1].description == #"tick.json: unknown top-level key "handler" (ignored): did you mean "handlers"? This version reads "handlers", "schedules", "retention", "alerts", "notify", "queues""#)
        #expect(config.warnings[2].description == #"tick.json: unknown top-level key "later" (ignored): this version reads "handlers", "schedules", "retention", "alerts", "notify", "queues"; remove it, or upgrade tick if a newer version added it"#)
        #expect(try parse(#"{"handlers": {}, "schedules": {}}"#).warnings.isEmpty)
    }

    @Test(arguments: [("handler", "handlers"), ("hanlders", "handlers"), ("handelrs", "handlers"), ("schedule", "schedules"), ("shedules", "schedules")])
    func typosGetASuggestion(typo: String, expected: String) throws {
        #expect(try parse(#"{"\#(typo)": {}}"#).warnings.first?.suggestion == expected)
    }

    @Test(arguments: ["x", "version", "jobs", "settings"])
    func unrelatedKeysGetNone(key: String) throws {
        #expect(try parse(#"{"\#(key)": {}}"#).warnings.first?.suggestion == nil)
    }

    // MARK: - permanent_exit_codes and stop_on_failure

    @Test func permanentExitCodesAddTo65() throws {
        let config = try parse(#"{"handlers": {"w": {"kind": "exec", "command": ["/bin/w"], "permanent_exit_codes": [2, 64, 65]}}}"#)
        guard case .exec(let configuration)? = config.handlers["w"]?.kind else {
            Issue.record("not an exec handler")
            return
        }
        #expect(configuration.permanentExitCodes == [2, 64, 65])
        guard case .exec(let plain)? = try parse(#"{"handlers": {"w": {"kind": "exec", "command": ["/bin/w"]}}}"#).handlers["w"]?.kind else { return }
        #expect(plain.permanentExitCodes == [65])
    }

    @Test(arguments: [
        (#"[75]"#, #""permanent_exit_codes" must not list 75: exit 75 (EX_TEMPFAIL) always means "retry later""#),
        (#"[0]"#, #""permanent_exit_codes" must be an array of exit statuses from 1 to 255, like [2, 64]"#),
        (#"[256]"#, #""permanent_exit_codes" must be an array of exit statuses from 1 to 255, like [2, 64]"#),
        (#"[-1]"#, #""permanent_exit_codes" must be an array of exit statuses from 1 to 255, like [2, 64]"#),
        (#"["2"]"#, #""permanent_exit_codes" must be an array of exit statuses from 1 to 255, like [2, 64]"#),
        (#"[2.5]"#, #""permanent_exit_codes" must be an array of exit statuses from 1 to 255, like [2, 64]"#),
        (#"2"#, #""permanent_exit_codes" must be an array of exit statuses from 1 to 255, like [2, 64]"#),
    ])
    func permanentExitCodesAreValidated(value: String, message: String) {
        let text = #"{"handlers": {"w": {"kind": "exec", "command": ["/bin/w"], "permanent_exit_codes": \#(value)}}}"#
        #expect(error(text)?.description == #"tick.json: handler "w": \#(message)"#)
    }

    @Test func permanentExitCodesOnlyForExec() {
        #expect(error(#"{"handlers": {"n": {"kind": "noop", "permanent_exit_codes": [2]}}}"#)?.description.contains(#"unknown key "permanent_exit_codes""#) == true)
    }

    @Test func stopOnFailureIsParsedForEveryKindAndRegistered() throws {
        let config = try parse(
            #"""
            {"handlers": {
              "e": {"kind": "exec", "command": ["/bin/true"], "stop_on_failure": true},
              "h": {"kind": "http", "url": "http://127.0.0.1:9/tick", "unsigned": true, "stop_on_failure": true},
              "n": {"kind": "noop", "stop_on_failure": true},
              "plain": {"kind": "noop"},
              "off": {"kind": "noop", "stop_on_failure": false}
            }}
            """#)
        #expect(config.handlers.filter { $0.value.stopOnFailure }.keys.sorted() == ["e", "h", "n"])
        let registry = config.registry(inheritedEnvironment: [:])
        #expect(registry.names.filter { registry[$0]?.stopOnFailure == true } == ["e", "h", "n"])
        #expect(registry["plain"]?.stopOnFailure == false && registry["off"]?.stopOnFailure == false)
        let message = error(#"{"handlers": {"n": {"kind": "noop", "stop_on_failure": "yes"}}}"#)?.description
        #expect(message == #"tick.json: handler "n": "stop_on_failure" must be true or false"#)
    }

    // MARK: - Relative commands

    @Test func relativeCommandsResolveAgainstTheConfigFolder() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("tick.json").path
        try Data(
            #"""
            {"handlers": {
              "dot": {"kind": "exec", "command": ["./bin/work", "./arg"]},
              "sub": {"kind": "exec", "command": ["bin/work"]},
              "up": {"kind": "exec", "command": ["../shared/work"]},
              "bare": {"kind": "exec", "command": ["python3"]},
              "absolute": {"kind": "exec", "command": ["/usr/bin/env"]}
            }}
            """#.utf8
        ).write(to: URL(fileURLWithPath: path))
        let config = try TickConfigFile.load(path: path)
        #expect(config.folder == directory.path)
        func command(_ name: String) -> [String]? {
            if case .exec(let configuration)? = config.handlers[name]?.kind { return configuration.command }
            return nil
        }
        #expect(command("dot") == ["\(directory.path)/bin/work", "./arg"], "only the program is resolved")
        #expect(command("sub") == ["\(directory.path)/bin/work"])
        #expect(command("up") == ["\(directory.path)/../shared/work"])
        #expect(command("bare") == ["python3"], "a bare name is looked up in PATH")
        #expect(command("absolute") == ["/usr/bin/env"])

        let working = FileManager.default.currentDirectoryPath
        #expect(try parse("{}", path: "conf/tick.json").folder == working + "/conf")
        #expect(try parse("{}", path: "tick.json").folder == working)
        #expect(try parse("{}", path: "/tick.json").folder == "/")
        #expect(TickConfigFile.resolve(program: "./x", folder: "/") == "/x")
    }

    // MARK: - Handlers checked before a run

    @Test func unusableHandlersAreFoundBeforeARun() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let bin = directory.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try Data("#!/bin/sh\n".utf8).write(to: bin.appendingPathComponent("ok"))
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: bin.appendingPathComponent("ok").path)
        try Data("#!/bin/sh\n".utf8).write(to: bin.appendingPathComponent("plain"))
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: bin.appendingPathComponent("plain").path)
        let path = directory.appendingPathComponent("tick.json").path
        try Data(
            #"""
            {"handlers": {
              "ok": {"kind": "exec", "command": ["./bin/ok"]},
              "sh": {"kind": "exec", "command": ["sh", "-c", "true"]},
              "missing": {"kind": "exec", "command": ["./bin/missing"]},
              "plain": {"kind": "exec", "command": ["bin/plain"]},
              "folder": {"kind": "exec", "command": ["./bin"]},
              "nowhere": {"kind": "exec", "command": ["no-such-command-for-tick"]},
              "nohost": {"kind": "http", "url": "http://:8080/tick", "unsigned": true},
              "badport": {"kind": "http", "url": "https://app.example.com:99999/tick", "unsigned": true},
              "fine": {"kind": "http", "url": "https://user@[::1]:8443/tick?x=1", "unsigned": true},
              "n": {"kind": "noop"}
            }}
            """#.utf8
        ).write(to: URL(fileURLWithPath: path))
        let config = try TickConfigFile.load(path: path)
        let problems = config.unusableHandlers(environment: ["PATH": "/usr/bin:/bin"])
        #expect(problems.map { $0.handler ?? "" } == ["badport", "folder", "missing", "nohost", "nowhere", "plain"])
        let messages = Dictionary(uniqueKeysWithValues: problems.map { ($0.handler ?? "", $0.description) })
        let d = directory.path
        #expect(messages["missing"] == #"\#(path): handler "missing": command "\#(d)/bin/missing" does not exist: fix "command" (a relative path is relative to the config file's folder, \#(d))"#)
        #expect(messages["plain"]?.contains(#"command "\#(d)/bin/plain" is not executable: run chmod +x on it"#) == true)
        #expect(messages["folder"]?.contains("is not a regular file") == true)
        #expect(messages["nowhere"] == #"\#(path): handler "nowhere": command "no-such-command-for-tick" is not found in PATH (/usr/bin:/bin): install it, or give its absolute path in "command""#)
        #expect(messages["nohost"] == #"\#(path): handler "nohost": "url" has no host name, like https://app.example.com/api/tick"#)
        #expect(messages["badport"] == #"\#(path): handler "badport": "url" has a port that is not a number from 1 to 65535"#)
        #expect(problems.allSatisfy { $0.exitCode == .config })
        #expect(throws: ConfigFileError.self) { try config.checkHandlers(environment: ["PATH": "/usr/bin:/bin"]) }
        #expect(try parse(#"{"handlers": {"sh": {"kind": "exec", "command": ["sh"]}}}"#).unusableHandlers(environment: ["PATH": "/nonexistent:/bin"]).isEmpty)
    }
}
