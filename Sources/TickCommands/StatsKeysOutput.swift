import TickCore

/// `tick stats --keys`: the busiest flow keys as a table or JSON.
enum StatsKeysOutput {
    /// The aligned table: a key per line, its waiting and running jobs, and `parked` (for how long) or `active`.
    static func table(_ keys: [FlowKeyStats], total: Int, nowMilliseconds: Int64, palette: Palette) -> String {
        var table = TextTable([
            .init("queue"), .init("handler"), .init("key"), .init("waiting", right: true), .init("running", right: true), .init("state"),
        ])
        for k in keys {
            let state: TextTable.Cell =
                k.parkedUntil.map { TextTable.Cell("parked \(RunsOutput.duration($0 - nowMilliseconds))", state: "paused") } ?? .state("active")
            table.add([.init(k.queue), .init(k.handler), .init(k.key), .init(String(k.waiting)), .init(String(k.running)), state])
        }
        var lines = table.lines(palette)
        if keys.isEmpty { lines.append("(no flow keys waiting or running)") }
        if total > keys.count { lines.append("(\(keys.count) of \(total) keys; --limit for more)") }
        return lines.joined(separator: "\n")
    }

    /// `{"keys": [{queue, handler, key, waiting, running, parked_until}...], "total": N}`; `parked_until` is Unix ms or null.
    static func json(_ keys: [FlowKeyStats], total: Int) -> String {
        JSONValue.object([
            "total": .integer(Int64(total)),
            "keys": .array(keys.map { k in
                .object([
                    "queue": .string(k.queue), "handler": .string(k.handler), "key": .string(k.key),
                    "waiting": .integer(Int64(k.waiting)), "running": .integer(Int64(k.running)),
                    "parked_until": k.parkedUntil.map { .integer($0) } ?? .null,
                ])
            }),
        ]).serialized
    }
}
