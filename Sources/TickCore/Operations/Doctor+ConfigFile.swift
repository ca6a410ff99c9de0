/// The config file check: it parses, its handlers build, and every schedule names a configured handler.
extension Doctor {
    mutating func checkConfigFile() {
        let file: TickConfigFile?
        do {
            file = try TickConfigFile.standard(configPath: configPath, environment: environment)
        } catch {
            add("config", .error, error.description)
            return
        }
        guard let file else {
            add("config", .ok, "no config file (no --config, TICK_CONFIG or ./tick.json): only the built-in handlers noop and sleep")
            return
        }
        let registry = HandlerRegistry.standard(config: file, environment: environment, queue: nil)
        let handlers = file.handlers.keys.sorted().map { name -> String in
            let kind: String
            switch file.handlers[name]?.kind {
            case .exec?: kind = "exec"
            case .http?: kind = "http"
            case .noop?, nil: kind = "noop"
            }
            return "\(name) (\(kind))"
        }
        let scheduleText = file.schedules.isEmpty ? "no schedules" : "schedules \(file.schedules.map(\.name).joined(separator: ", "))"
        add("config", .ok, "\(file.path) is valid: handlers \(handlers.isEmpty ? "none" : handlers.joined(separator: ", ")); \(scheduleText)")
        let known = Set(registry.names)
        for schedule in file.schedules where !known.contains(schedule.job.handler) {
            add(
                "config.schedule.\(schedule.name)", .warning,
                "schedule \(schedule.name) enqueues jobs for handler \(schedule.job.handler), which is not configured: they will be dead-lettered; add the handler to \(file.path)")
        }
    }
}
