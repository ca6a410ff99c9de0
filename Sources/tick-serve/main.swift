// The stock `tick-serve`: the server command of the TickServe library.
import TickServe

await TickServeMain.runServer()
