import TickCLI
import TickCore

#if canImport(Glibc)
import Glibc
#endif

/// Colour for states and errors, and nothing else: on a terminal by default, never when `NO_COLOR` is set
/// (https://no-color.org) or the terminal is `dumb`; `--color always|never` decides instead.
struct Palette: Sendable {
    /// Whether escape sequences are written at all.
    let enabled: Bool

    /// No colour.
    static let plain = Palette(enabled: false)

    init(enabled: Bool) { self.enabled = enabled }

    /// The palette for output written to `descriptor` (stdout or stderr) under `--color`.
    init(_ option: ColorOption, descriptor: Int32, environment: [String: String] = ProcessEnvironment.variables) {
        switch option {
        case .always: enabled = true
        case .never: enabled = false
        case .auto:
            enabled = isatty(descriptor) == 1 && (environment["NO_COLOR"] ?? "").isEmpty && environment["TERM"] != "dumb"
        }
    }

    /// ANSI SGR codes, by meaning.
    enum Tone: String, Sendable {
        case good = "32", caution = "33", bad = "31", waiting = "36", strong = "1;31"
    }

    /// The tone of a state word (`ok`, `ready`, `dead`, an exit reason …); `nil` for words that are not states.
    static func tone(ofState word: String) -> Tone? {
        switch word {
        case "ok", "done", "completed", "idle", "active": .good
        case "warning", "delayed", "leased", "retrying", "retry", "released", "release", "paused", "budget", "running", "cancelled": .caution
        case "ready": .waiting
        case "error", "dead", "failed", "lost", "interrupted", "redis_unavailable", "redis_auth", "redis_error", "postgres_unavailable",
            "schema_mismatch", "layout_mismatch", "upstash_limit":
            .bad
        default: nil
        }
    }

    /// `text` in the colour of the state it names (or `as` another state's), unchanged when colour is off.
    func state(_ text: String, as word: String? = nil) -> String {
        guard enabled, let tone = Self.tone(ofState: word ?? text) else { return text }
        return paint(text, tone)
    }

    /// An error's label (`error`), bold red.
    func error(_ text: String) -> String { enabled ? paint(text, .strong) : text }

    /// A line whose first word is a state (doctor's `ok`/`warning`/`error`), that word coloured.
    func leadingState(_ line: String) -> String {
        guard enabled, let space = line.firstIndex(of: " ") else { return line }
        return state(String(line[..<space])) + line[space...]
    }

    private func paint(_ text: String, _ tone: Tone) -> String { "\u{1B}[\(tone.rawValue)m\(text)\u{1B}[0m" }
}

extension GlobalOptions {
    /// The palette for what the command prints on stdout.
    var palette: Palette { Palette(color, descriptor: STDOUT_FILENO) }
    /// The palette for error lines on stderr.
    var errorPalette: Palette { Palette(color, descriptor: STDERR_FILENO) }
}
