import TickCommands

await TickMain.run()
