"""An MCP client from the official Python SDK (stdio_client + ClientSession), as Claude Desktop or Cursor
would start a local server: it starts `switchboard bridge NAME` and drives it with commands read from its
own stdin, one JSON object a line, answering each with one JSON line on stdout:

  {"op": "list"}                                   -> {"ok": true, "tools": [...]}
  {"op": "call", "tool": "echo", "args": {...}}    -> {"ok": true, "text": "...", "progress": [...]}
      (with "timeout": seconds, the client gives up and sends notifications/cancelled)
                                                    | {"ok": false, "code": -32001, "error": "..."}
  {"op": "calls", "n": 30, "tool": "echo", "args": {...}}  -> {"ok": true, "passed": 30, "failed": 0, "errors": []}
  {"op": "quit"}

--mode: legacy (the 2025-11-25 initialize handshake), auto (server/discover, falling back), or 2026-07-28.
The client answers elicitation with {"text": "blue"}, sampling with a fixed message, and roots/list with
one root, so the tests can see server-to-client requests go through the bridge."""

import argparse
import asyncio
import json
import sys

import mcp_types as types
from mcp.client._probe import negotiate_auto
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.shared.exceptions import MCPError

MODERN = "2026-07-28"


def reply(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


async def elicit(context, params):
    return types.ElicitResult(action="accept", content={"text": "blue"})


async def sample(context, params):
    return types.CreateMessageResult(role="assistant", content=types.TextContent(type="text", text="sampled"),
                                     model="test-model")


async def roots(context):
    return types.ListRootsResult(roots=[types.Root(uri="file:///work/project", name="project")])


def text_of(result):
    return "\n".join(c.text for c in result.content if getattr(c, "type", None) == "text")


async def call(session, tool, args, timeout=None):
    progress = []

    async def on_progress(value, total, message):
        progress.append({"progress": value, "total": total, "message": message})

    try:
        result = await session.call_tool(tool, args or {}, read_timeout_seconds=timeout, progress_callback=on_progress)
        return {"ok": not result.is_error, "text": text_of(result), "progress": progress}
    except MCPError as e:
        return {"ok": False, "code": e.code, "error": e.error.message}
    except Exception as e:  # a transport failure is a failed call, not a crashed client
        return {"ok": False, "code": None, "error": f"{type(e).__name__}: {e}"}


async def main():
    p = argparse.ArgumentParser()
    p.add_argument("--mode", default="auto")
    p.add_argument("command", nargs=argparse.REMAINDER)
    a = p.parse_args()
    # The SDK starts servers with a small default environment; pass on what the test set for the bridge
    # (as a client's "env" entry would).
    import os
    env = {k: v for k, v in os.environ.items() if k == "BROWSER" or k.startswith("SWITCHBOARD_")}
    server = StdioServerParameters(command=a.command[0], args=a.command[1:], env=env)
    loop = asyncio.get_running_loop()
    async with stdio_client(server) as (read, write):
        async with ClientSession(read, write, elicitation_callback=elicit, sampling_callback=sample,
                                 list_roots_callback=roots,
                                 client_info=types.Implementation(name="python-sdk-test-client", version="2.3.0")) as session:
            if a.mode == "legacy":
                result = await session.initialize()
                reply({"ok": True, "era": "legacy", "protocolVersion": result.protocol_version,
                       "server": result.server_info.name})
            elif a.mode == "auto":
                await negotiate_auto(session)
                era = "modern" if session.discover_result is not None else "legacy"
                reply({"ok": True, "era": era})
            else:
                session.adopt(types.DiscoverResult.model_validate(await session.send_discover(a.mode)))
                reply({"ok": True, "era": "modern"})
            while True:
                line = await loop.run_in_executor(None, sys.stdin.readline)
                if not line:
                    break
                command = json.loads(line)
                op = command["op"]
                if op == "quit":
                    break
                if op == "list":
                    try:
                        listed = await session.list_tools()
                        reply({"ok": True, "tools": sorted(t.name for t in listed.tools)})
                    except MCPError as e:
                        reply({"ok": False, "code": e.code, "error": e.error.message})
                elif op == "call":
                    reply(await call(session, command["tool"], command.get("args"), command.get("timeout")))
                elif op == "calls":
                    outcomes = [await call(session, command["tool"], command.get("args")) for _ in range(command["n"])]
                    failed = [o for o in outcomes if not o["ok"]]
                    reply({"ok": not failed, "passed": len(outcomes) - len(failed), "failed": len(failed),
                           "errors": [o.get("error") for o in failed][:5]})


if __name__ == "__main__":
    asyncio.run(main())
