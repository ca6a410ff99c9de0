/// The config file check: it parses, has no unknown top-level key, its handlers can run (commands exist and
/// are executable, URLs are usable), and every schedule names a configured handler.
extension Doctor {
    /// The handlers a run here would have and where they come from (for the queue checks).
    struct ConfiguredHandlers {
        var names: Set<String>
        var source: String
    }

    /// Checks the config file; returns its handlers, or `nil` when it is broken (its error line says why).
    mutating func checkConfigFile() -> ConfiguredHandlers? {
        let file: TickConfigFile?
        do {
            file = try TickConfigFile.standard(configPath: configPath, environment: environment)
        } catch {
            add("config", .error, error.description)
            return nil
        }
        guard let file else {
            add("config", .ok, "no config file (no --config, TICK_CONFIG or ./tick.json): only the built-in handlers noop and sleep")
            let builtIns = HandlerRegistry.standard(config: nil, environment: environment, queue: nil)
            return ConfiguredHandlers(
                names: Set(builtIns.names), source: "the built-in handlers (no config file: no --config, TICK_CONFIG or ./tick.json)")
        }
        let registry = HandlerRegistry.standard(config: file, environment: environment, queue: nil)
        // An unknown top-level key only warns in a run (a newer config during a rolling deploy), but doctor
        // is where a typo like "handler" must be found.
        let unusable = file.unusableHandlers(environment: environment)
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
        let summary = "handlers \(handlers.isEmpty ? "none" : handlers.joined(separator: ", ")); \(scheduleText)"
        if file.warnings.isEmpty, unusable.isEmpty {
            add("config", .ok, "\(file.path) is valid: \(summary)")
        } else {
            add("config", .error, "\(file.path) has problems (the config.* lines below): \(summary)")
        }
        for warning in file.warnings { add("config.key.\(warning.key)", .error, warning.description) }
        for problem in unusable { add("config.handler.\(problem.handler ?? "")", .error, problem.description) }
        let known = Set(registry.names)
        for schedule in file.schedules where !known.contains(schedule.job.handler) {
            add(
                "config.schedule.\(schedule.name)", .warning,
                "schedule \(schedule.name) enqueues jobs for handler \(schedule.job.handler), which is not configured: they will wait, ready, until a run that has it claims them; add the handler to \(file.path)")
        }
        return ConfiguredHandlers(names: known, source: "the config file \(file.path)")
    }
}
