/// Inline SVG charts of the last 24 hours, drawn on the server from numbers only (no script, no build step).
enum DashboardChart {
    static let width = 720
    static let height = 140
    static let plotTop = 10
    static let plotBottom = 116

    /// Bars: runs that claimed work, per hour of the last 24 h (oldest left).
    static func runsPerHour(_ minutes: [DashboardStore.Minute], now: Int64) -> String {
        let hourStart = now / 3600 * 3600
        var counts = [Int](repeating: 0, count: 24)
        for minute in minutes {
            let slot = 23 - Int((hourStart - minute.minute / 3600 * 3600) / 3600)
            if (0..<24).contains(slot) { counts[slot] += minute.runs }
        }
        let peak = max(1, counts.max() ?? 1)
        let step = Double(width) / 24
        var bars = ""
        for (index, count) in counts.enumerated() where count > 0 {
            let barHeight = Double(plotBottom - plotTop) * Double(count) / Double(peak)
            let x = Double(index) * step + 2
            bars += "<rect class=\"bar\" x=\"\(format(x))\" y=\"\(format(Double(plotBottom) - barHeight))\" width=\"\(format(step - 4))\" height=\"\(format(barHeight))\"><title>\(count) run(s), \(23 - index) h ago</title></rect>"
        }
        return svg(label: "Runs per hour, last 24 hours, peak \(peak)", peak: "\(peak) runs/h", body: bars)
    }

    /// Lines: items done and failed per minute of the last 24 h (1,440 points, oldest left).
    static func itemsPerMinute(_ minutes: [DashboardStore.Minute], now: Int64) -> String {
        let minuteStart = now / 60 * 60
        var done = [Int](repeating: 0, count: 1440)
        var failed = [Int](repeating: 0, count: 1440)
        for minute in minutes {
            let slot = 1439 - Int((minuteStart - minute.minute) / 60)
            if (0..<1440).contains(slot) {
                done[slot] += minute.itemsDone
                failed[slot] += minute.itemsFailed
            }
        }
        let peak = max(1, max(done.max() ?? 1, failed.max() ?? 1))
        func line(_ values: [Int], _ name: String) -> String {
            var points = ""
            for (index, value) in values.enumerated() {
                // A point only where the line bends: runs of equal values are drawn by their two ends.
                if index > 0, index < values.count - 1, values[index - 1] == value, values[index + 1] == value { continue }
                let x = Double(index) * Double(width) / 1439
                let y = Double(plotBottom) - Double(plotBottom - plotTop) * Double(value) / Double(peak)
                points += "\(format(x)),\(format(y)) "
            }
            return "<polyline class=\"\(name)\" fill=\"none\" points=\"\(points)\"/>"
        }
        return svg(label: "Items per minute, last 24 hours, peak \(peak)", peak: "\(peak) items/min", body: line(done, "done") + line(failed, "failed"))
    }

    private static func svg(label: String, peak: String, body: String) -> String {
        var axis = ""
        for hoursAgo in stride(from: 24, through: 0, by: -6) {
            let x = Double(24 - hoursAgo) * Double(width) / 24
            let anchor = hoursAgo == 24 ? "start" : hoursAgo == 0 ? "end" : "middle"
            axis += "<text x=\"\(format(x))\" y=\"\(height - 6)\" text-anchor=\"\(anchor)\">\(hoursAgo == 0 ? "now" : "-\(hoursAgo) h")</text>"
        }
        return """
            <svg class="chart" viewBox="0 0 \(width) \(height)" role="img" aria-label="\(label)" xmlns="http://www.w3.org/2000/svg">\
            <line class="axis" x1="0" y1="\(plotBottom)" x2="\(width)" y2="\(plotBottom)"/>\
            <text x="4" y="\(plotTop + 10)">\(peak)</text>\(body)\(axis)</svg>
            """
    }

    private static func format(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}
