import ArgumentParser
import TickCore

/// `--trigger cron|http|manual|drain` (`tick runs`): the trigger's raw value, the choices listed in `--help`.
extension RunTrigger: ExpressibleByArgument {}
