import Foundation
import Testing
import TickCore  // NOT @testable: the public API only

struct ConfigFileTests {
    func parse(_ text: String) throws(ConfigFileError) -> TickConfigFile {
        try TickConfigFile.parse(bytes: Array(text.utf8), path: "tick.json")
    }

    /// The message of the error `text` raises.
    func message(_ text: String) -> String? {
        do {
            _ = try parse(text)
            return nil
        } catch {
            #expect(error.exitCode == .config)
            return error.description
        }
    }

    @Test func validFileBuildsTheRegistry() throws {
        let config = try parse(
            #"""
            {
              "handlers": {
                "resize":  {"kind": "exec", "command": ["./bin/resize", "--fast"], "timeout_ms": 30000, "env": {"MODE": "fast"}, "kill_grace_ms": 500},
                "noop":    {"kind": "noop"},
                "mail.send:v2": {"kind": "exec", "command": ["sendmail"]}
              },
              "later": {"ignored": "unknown top-level keys are for later versions"}
            }
            """#
        )
        #expect(config.warnings.map(\.key) == ["later"], "an unknown top-level key is a warning, not an error")
        // A relative program is resolved against the config file's folder (here: the working directory).
        let program = FileManager.default.currentDirectoryPath + "/bin/resize"
        let resize = ExecHandler.Configuration(command: [program, "--fast"], environment: ["MODE": "fast"], killGrace: .milliseconds(500))
        #expect(config.handlers["resize"] == .init(kind: .exec(resize), itemTimeout: .milliseconds(30000)))
        #expect(config.handlers["noop"] == .init(kind: .noop))
        #expect(config.handlers["mail.send:v2"] == .init(kind: .exec(.init(command: ["sendmail"]))))

        let registry = config.registry(inheritedEnvironment: [:])
        #expect(registry.names == ["mail.send:v2", "noop", "resize"])
        #expect(registry["resize"]?.itemTimeout == .seconds(30))
        #expect(registry["noop"]?.itemTimeout == .seconds(60))
        #expect(registry["resize"]?.handler is ExecHandler)
        #expect(registry["noop"]?.handler is NoopHandler)
    }

    @Test func emptyConfigHasNoHandlers() throws {
        #expect(try parse("{}").handlers.isEmpty)
        #expect(try parse(#"{"handlers": {}}"#).registry().names.isEmpty)
    }

    @Test(arguments: [
        ("{\"handlers\": ", "tick.json:1:14: not valid JSON: expected a value, found the end of the file"),
        ("", "tick.json:1:1: not valid JSON: expected a value, found the end of the file"),
        ("[1]", #"tick.json: the top level must be a JSON object, like {"handlers": {...}}"#),
        (#"{"handlers": []}"#, #"tick.json: "handlers" must be an object from handler name to settings, like {"resize": {"kind": "exec", "command": ["./bin/resize"]}}"#),
        (#"{"handlers": {"resize": {"kind": "exec"}}}"#, #"tick.json: handler "resize": "command" must be a non-empty array of strings"#),
        (#"{"handlers": {"resize": {"kind": "exec", "command": []}}}"#, #"tick.json: handler "resize": "command" must be a non-empty array of strings"#),
        (#"{"handlers": {"resize": {"kind": "exec", "command": "./bin/resize"}}}"#, #"tick.json: handler "resize": "command" must be a non-empty array of strings"#),
        (#"{"handlers": {"resize": {"kind": "exec", "command": ["./x", 1]}}}"#, #"tick.json: handler "resize": "command" must be a non-empty array of strings"#),
        (#"{"handlers": {"resize": {"kind": "exec", "command": [""]}}}"#, #"tick.json: handler "resize": "command" must start with the program to run, not an empty string"#),
        (#"{"handlers": {"resize": {"command": ["./x"]}}}"#, #"tick.json: handler "resize": "kind" is required: "exec", "http" or "noop""#),
        (#"{"handlers": {"resize": {"kind": "shell", "command": ["./x"]}}}"#, #"tick.json: handler "resize": unknown kind "shell": use "exec", "http" or "noop""#),
        (#"{"handlers": {"resize": "./x"}}"#, #"tick.json: handler "resize": must be an object, like {"kind": "exec", "command": ["./bin/work"]}"#),
        (#"{"handlers": {"resize": {"kind": "exec", "comand": ["./x"]}}}"#, #"tick.json: handler "resize": unknown key "comand" (an exec handler takes "command", "env", "kill_grace_ms", "kind", "limits", "permanent_exit_codes", "stop_on_failure", "timeout_ms")"#),
        (#"{"handlers": {"n": {"kind": "noop", "command": ["./x"]}}}"#, #"tick.json: handler "n": unknown key "command" (a noop handler takes "kind", "limits", "stop_on_failure", "timeout_ms")"#),
        (#"{"handlers": {"bad name": {"kind": "noop"}}}"#, #"tick.json: handler name "bad name" is invalid: use 1–64 letters, digits, ".", "_", "-" or ":""#),
        (#"{"handlers": {"": {"kind": "noop"}}}"#, #"tick.json: handler name "" is invalid: use 1–64 letters, digits, ".", "_", "-" or ":""#),
        (#"{"handlers": {"resize": {"kind": "exec", "command": ["./x"], "timeout_ms": 0}}}"#, #"tick.json: handler "resize": "timeout_ms" must be a whole number of milliseconds from 1 to 86400000"#),
        (#"{"handlers": {"resize": {"kind": "exec", "command": ["./x"], "timeout_ms": "30s"}}}"#, #"tick.json: handler "resize": "timeout_ms" must be a whole number of milliseconds from 1 to 86400000"#),
        (#"{"handlers": {"resize": {"kind": "exec", "command": ["./x"], "kill_grace_ms": -1}}}"#, #"tick.json: handler "resize": "kill_grace_ms" must be a whole number of milliseconds from 0 to 600000"#),
        (#"{"handlers": {"resize": {"kind": "exec", "command": ["./x"], "env": ["MODE=fast"]}}}"#, #"tick.json: handler "resize": "env" must be an object of string values, like {"MODE": "fast"}"#),
        (#"{"handlers": {"resize": {"kind": "exec", "command": ["./x"], "env": {"THREADS": 8}}}}"#, #"tick.json: handler "resize": "env" value of THREADS must be a string (quote numbers, like "8")"#),
        (#"{"handlers": {"resize": {"kind": "exec", "command": ["./x"], "env": {"A=B": "c"}}}}"#, #"tick.json: handler "resize": "env" name "A=B" is invalid: use letters, digits and "_", not starting with a digit"#),
        (#"{"handlers": {"resize": {"kind": "exec", "command": ["./x"], "env": {"TICK_JOB_ID": "x"}}}}"#, #"tick.json: handler "resize": "env" must not set TICK_JOB_ID: tick sets it for each item"#),
    ])
    func invalidFileExplainsItself(text: String, expected: String) {
        #expect(message(text) == expected)
    }

    @Test func nameOf64CharactersIsTheLimit() throws {
        let name = String(repeating: "a", count: 64)
        #expect(try parse(#"{"handlers": {"\#(name)": {"kind": "noop"}}}"#).handlers[name] != nil)
        #expect(message(#"{"handlers": {"\#(name)b": {"kind": "noop"}}}"#)?.contains("is invalid") == true)
    }

    @Test func loadReadsTheFileAndNamesItInErrors() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("config-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("tick.json").path

        do {
            _ = try TickConfigFile.load(path: path)
            Issue.record("a missing file loaded")
        } catch {
            #expect(error.isMissingFile)
            #expect(error.description == "\(path): cannot read the config file (No such file or directory): create it, or pass its path with --config or TICK_CONFIG")
        }

        try Data(#"{"handlers": {"noop": {"kind": "noop", "timeout_ms": 5000}}}"#.utf8).write(to: URL(fileURLWithPath: path))
        let config = try TickConfigFile.load(path: path)
        #expect(config.path == path)
        #expect(config.registry()["noop"]?.itemTimeout == .seconds(5))

        try Data("{oops".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: ConfigFileError.self) { try TickConfigFile.load(path: path) }
        do {
            _ = try TickConfigFile.load(path: path)
        } catch {
            #expect(error.description == "\(path):1:2: not valid JSON: expected a key in double quotes, found \"o\"")
            #expect(!error.isMissingFile)
        }
    }
}
