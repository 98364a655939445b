"""A TCP proxy on 127.0.0.1 that adds a round-trip time: each chunk waits RTT/2 before it is passed on,
in each direction, in order. For the benchmark's "real network" figures; it never connects beyond loopback.
Prints `READY <port>`. With --connections FILE it appends a line per connection accepted (the benchmark
counts the TCP handshakes a command makes)."""

import argparse
import asyncio
import socket


async def pipe(reader, writer, delay):
    queue = asyncio.Queue()

    async def forward():
        while True:
            due, data = await queue.get()
            if data is None:
                break
            wait = due - asyncio.get_running_loop().time()
            if wait > 0:
                await asyncio.sleep(wait)
            writer.write(data)
            await writer.drain()
        writer.close()

    task = asyncio.create_task(forward())
    loop = asyncio.get_running_loop()
    while True:
        data = await reader.read(65536)
        if not data:
            break
        queue.put_nowait((loop.time() + delay, data))
    queue.put_nowait((0, None))
    await task


async def main():
    p = argparse.ArgumentParser()
    p.add_argument("--target-port", type=int, required=True)
    p.add_argument("--rtt-ms", type=float, default=50)
    p.add_argument("--listen-port", type=int, default=0,
                   help="listen on this port (default: one from the kernel), e.g. the one a server's metadata names")
    p.add_argument("--connections", default=None, help="append one line per connection accepted to this file")
    a = p.parse_args()
    half = a.rtt_ms / 2000

    async def handle(client_reader, client_writer):
        if a.connections:
            with open(a.connections, "a") as f:
                f.write(f"{asyncio.get_running_loop().time():.6f}\n")
        sock = client_writer.get_extra_info("socket")
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        await asyncio.sleep(half * 2)  # the TCP handshake's round trip
        server_reader, server_writer = await asyncio.open_connection("127.0.0.1", a.target_port)
        server_writer.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        await asyncio.gather(pipe(client_reader, server_writer, half), pipe(server_reader, client_writer, half),
                             return_exceptions=True)

    server = await asyncio.start_server(handle, "127.0.0.1", a.listen_port, reuse_address=True)
    print(f"READY {server.sockets[0].getsockname()[1]}", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
