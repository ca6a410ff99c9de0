import TickCore

/// How the dashboard writes times, durations and counts.
enum DashboardFormat {
    /// `2026-11-23 11:49:05 UTC`.
    static func utc(milliseconds: Int64) -> String {
        let text = CivilDateTime(localSeconds: milliseconds / 1000).description.replacingFirst("T", with: " ")
        return text + " UTC"
    }

    /// `42 s ago`, `3 min ago`, `5 h ago`, `2 d ago`; `in 4 min` for the future.
    static func age(milliseconds: Int64, now: Int64) -> String {
        let seconds = (now - milliseconds) / 1000
        let magnitude = abs(seconds)
        let text =
            magnitude < 60 ? "\(magnitude) s" : magnitude < 3600 ? "\(magnitude / 60) min" : magnitude < 86_400 ? "\(magnitude / 3600) h" : "\(magnitude / 86_400) d"
        return seconds >= 0 ? "\(text) ago" : "in \(text)"
    }

    /// `1.2 s`, `340 ms`.
    static func duration(milliseconds: Int) -> String {
        milliseconds < 1000 ? "\(milliseconds) ms" : "\(Double(milliseconds / 100) / 10) s"
    }

    /// `1,234,567`.
    static func grouped(_ value: Int) -> String {
        let digits = String(abs(value))
        var out = ""
        for (index, character) in digits.reversed().enumerated() {
            if index > 0, index % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return (value < 0 ? "-" : "") + String(out.reversed())
    }

    /// `12.3` (one decimal) or `12` when whole.
    static func decimal(_ value: Double, places: Int = 1) -> String {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }

    /// `3.2 KiB`, `1.1 MiB`, `512 bytes`.
    static func bytes(_ count: Int) -> String {
        count < 1024 ? "\(count) bytes" : count < 1 << 20 ? "\(decimal(Double(count) / 1024)) KiB" : "\(decimal(Double(count) / 1_048_576)) MiB"
    }
}

extension String {
    /// The string with the first `target` replaced.
    func replacingFirst(_ target: Character, with replacement: String) -> String {
        guard let index = firstIndex(of: target) else { return self }
        return String(self[..<index]) + replacement + String(self[self.index(after: index)...])
    }
}
