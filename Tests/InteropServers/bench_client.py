"""The benchmark's MCP client: the official Python SDK's ClientSession, either through `switchboard bridge`
(stdio_client) or straight to the server (streamable_http_client with the same bearer token), so both
paths are measured by one client in one run. Prints one JSON object: each call's latency in microseconds
and the time from start to the first answer."""

import argparse
import asyncio
import json
import sys
import time

import httpx2
import mcp_types as types
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client


async def drive(read, write, n, mode, started):
    async with ClientSession(read, write) as session:
        if mode == "legacy":
            await session.initialize()
        else:
            session.adopt(types.DiscoverResult.model_validate(await session.send_discover(mode)))
        first = (time.perf_counter() - started) * 1000
        latencies = []
        for i in range(n):
            t0 = time.perf_counter()
            result = await session.call_tool("echo", {"text": f"call {i}"})
            latencies.append((time.perf_counter() - t0) * 1e6)
            if result.is_error:
                raise SystemExit(f"call {i} failed")
        return {"first_answer_ms": first, "latencies_us": latencies}


async def main():
    p = argparse.ArgumentParser()
    p.add_argument("--n", type=int, default=200)
    p.add_argument("--mode", default="legacy")
    p.add_argument("--url")
    p.add_argument("--token")
    p.add_argument("bridge", nargs=argparse.REMAINDER)
    a = p.parse_args()
    started = time.perf_counter()
    if a.url:
        async with httpx2.AsyncClient(headers={"Authorization": f"Bearer {a.token}"}, timeout=60) as http:
            async with streamable_http_client(a.url, http_client=http) as (read, write):
                out = await drive(read, write, a.n, a.mode, started)
    else:
        server = StdioServerParameters(command=a.bridge[0], args=a.bridge[1:])
        async with stdio_client(server) as (read, write):
            out = await drive(read, write, a.n, a.mode, started)
    sys.stdout.write(json.dumps(out) + "\n")


if __name__ == "__main__":
    asyncio.run(main())
