"""An HTTP proxy on 127.0.0.1 that answers CONNECT only (as a company proxy does for https), to loopback targets
only: it never connects beyond this machine. Prints `READY <port>`, then `CONNECT host:port` for each tunnel."""

import asyncio


async def pipe(reader, writer):
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    finally:
        writer.close()


async def handle(client_reader, client_writer):
    head = await client_reader.readuntil(b"\r\n\r\n")
    method, target, _ = head.split(b"\r\n", 1)[0].decode("latin-1").split(" ", 2)
    host, _, port = target.rpartition(":")
    if method != "CONNECT" or host not in ("127.0.0.1", "localhost"):
        client_writer.write(b"HTTP/1.1 403 Forbidden\r\n\r\n")
        client_writer.close()
        return
    print(f"CONNECT {target}", flush=True)
    server_reader, server_writer = await asyncio.open_connection("127.0.0.1", int(port))
    client_writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
    await client_writer.drain()
    await asyncio.gather(pipe(client_reader, server_writer), pipe(server_reader, client_writer), return_exceptions=True)


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    print(f"READY {server.sockets[0].getsockname()[1]}", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
