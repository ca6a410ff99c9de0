// my-tick: the whole of tick, with two handlers written in Swift (docs/swift-handlers.md).
import Greetings
import TickCore
import TickServe

var handlers = HandlerRegistry()
handlers.register("greet", GreetHandler(outbox: ProcessEnvironment.variables["GREET_OUTBOX"]), itemTimeout: .seconds(30))
handlers.register("pages", PagesHandler(catalogSize: 95, pageSize: 20))
await TickServeMain.run(handlers: handlers)
