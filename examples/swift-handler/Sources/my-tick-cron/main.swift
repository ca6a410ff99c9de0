// my-tick-cron: the same tick and handlers without the HTTP server, so it links no SwiftNIO and starts as fast as
// the stock tick (what cron starts every minute). Its `serve` refuses: use my-tick for that.
import Greetings
import TickCommands
import TickCore

var handlers = HandlerRegistry()
handlers.register("greet", GreetHandler(outbox: ProcessEnvironment.variables["GREET_OUTBOX"]), itemTimeout: .seconds(30))
handlers.register("pages", PagesHandler(catalogSize: 95, pageSize: 20))
await TickMain.run(handlers: handlers)
