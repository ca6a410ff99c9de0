"""A TCP proxy that adds DELAY_MS to every round trip (half each way), preserving order per direction."""
import asyncio, sys
LISTEN, TARGET_PORT, DELAY = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]) / 2000

async def pipe(reader, writer):
    queue = asyncio.Queue()
    async def deliver():
        loop = asyncio.get_running_loop()
        while True:
            due, data = await queue.get()
            if data is None: break
            wait = due - loop.time()
            if wait > 0: await asyncio.sleep(wait)
            writer.write(data); await writer.drain()
        writer.close()
    task = asyncio.create_task(deliver())
    loop = asyncio.get_running_loop()
    try:
        while data := await reader.read(65536):
            queue.put_nowait((loop.time() + DELAY, data))
    finally:
        queue.put_nowait((0, None)); await task

async def handle(client_reader, client_writer):
    server_reader, server_writer = await asyncio.open_connection("127.0.0.1", TARGET_PORT)
    await asyncio.gather(pipe(client_reader, server_writer), pipe(server_reader, client_writer), return_exceptions=True)

async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", LISTEN)
    async with server: await server.serve_forever()
asyncio.run(main())
