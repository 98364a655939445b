"""A misbehaving MCP server for the bridge's tests (no authorization; add it with --scheme none), on
127.0.0.1 with a port from the kernel. --mode:
  open-after-answer  answers every request over SSE and never ends the stream
  forgets-sessions   starts a session on initialize, then answers 404 to every request that names one
  endless-refusal    answers initialize with 405 and a body that never ends
Prints `READY <port>`; appends one JSON line per request to --events."""

import argparse
import asyncio
import json
import time
import uuid

from common import bind_loopback, serve


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--mode", required=True)
    p.add_argument("--events", required=True)
    a = p.parse_args()

    def log(record):
        record["t"] = time.time()
        with open(a.events, "a") as f:
            f.write(json.dumps(record) + "\n")

    async def app(scope, receive, send):
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        body = b""
        while True:
            m = await receive()
            body += m.get("body", b"")
            if not m.get("more_body"):
                break
        rpc = json.loads(body) if body else {}
        log({"method": scope["method"], "path": scope["path"], "rpc": rpc.get("method") if isinstance(rpc, dict) else None,
             "session": headers.get("mcp-session-id")})
        if a.mode == "endless-refusal":
            await send({"type": "http.response.start", "status": 405, "headers": [(b"content-type", b"text/plain")]})
            while True:
                await send({"type": "http.response.body", "body": b"x" * 1024, "more_body": True})
                await asyncio.sleep(0.01)
        if a.mode == "forgets-sessions" and headers.get("mcp-session-id"):
            await send({"type": "http.response.start", "status": 404, "headers": [(b"content-type", b"text/plain")]})
            await send({"type": "http.response.body", "body": b"Session not found"})
            return
        if scope["method"] != "POST":
            await send({"type": "http.response.start", "status": 405, "headers": []})
            await send({"type": "http.response.body", "body": b""})
            return
        if "id" not in rpc:
            await send({"type": "http.response.start", "status": 202, "headers": []})
            await send({"type": "http.response.body", "body": b""})
            return
        if rpc.get("method") == "initialize":
            result = {"protocolVersion": "2025-11-25", "capabilities": {"tools": {}}, "serverInfo": {"name": "hostile", "version": "1"}}
        elif rpc.get("method") == "tools/list":
            result = {"tools": [{"name": "echo", "inputSchema": {"type": "object"}}]}
        else:
            result = {"content": [{"type": "text", "text": "ok"}]}
        answer = json.dumps({"jsonrpc": "2.0", "id": rpc["id"], "result": result})
        start = [(b"content-type", b"text/event-stream")]
        if rpc.get("method") == "initialize":
            start.append((b"mcp-session-id", str(uuid.uuid4()).encode()))
        await send({"type": "http.response.start", "status": 200, "headers": start})
        await send({"type": "http.response.body", "body": f"event: message\ndata: {answer}\n\n".encode(), "more_body": True})
        if a.mode == "open-after-answer":
            while True:
                await asyncio.sleep(3600)
        await send({"type": "http.response.body", "body": b""})

    serve(app, bind_loopback())


if __name__ == "__main__":
    main()
