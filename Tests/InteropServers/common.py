"""Shared pieces of the interop servers: a kernel-chosen port, an event log the Swift tests read,
and an era filter. Nothing here changes how the servers under test authorize; it only watches."""

import argparse
import json
import socket
import sys
import time

MODERN = "2026-07-28"


def arguments(description: str) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--events", required=True, help="append one JSON object per observed request here")
    p.add_argument("--registration", choices=["on", "off"], default="on")
    p.add_argument("--static-client", default=None, help="pre-register CLIENT_ID[:SECRET]")
    p.add_argument("--static-redirect", default=None, help="the redirect URI registered for the static client")
    p.add_argument("--token-ttl", type=int, default=3600, help="access token lifetime in seconds")
    p.add_argument("--era", choices=["both", "modern"], default="both",
                   help="modern: refuse the 2025 initialize handshake, as a 2026-07-28-only server does")
    p.add_argument("--scope", default="mcp:tools", help="the scope the server requires")
    p.add_argument("--transport", choices=["streamable", "sse"], default="streamable",
                   help="sse: the deprecated HTTP+SSE transport (2024-11-05) at /sse instead of Streamable HTTP at /mcp")
    p.add_argument("--tls-cert", default=None, help="serve HTTPS with this PEM certificate chain (with --tls-key)")
    p.add_argument("--tls-key", default=None, help="the PEM private key of --tls-cert")
    p.add_argument("--public-origin", default=None,
                   help="the origin clients reach the server at (e.g. a delay proxy's http://127.0.0.1:PORT): its "
                        "metadata and challenges name it, so every request of a flow goes through the proxy")
    return p.parse_args()


def origin(sock: socket.socket, args: argparse.Namespace) -> str:
    """The server's own address, as its metadata and challenges name it: https when it serves TLS
    (or --public-origin, the address clients reach it at)."""
    if args.public_origin:
        return args.public_origin.rstrip("/")
    scheme = "https" if args.tls_cert else "http"
    return f"{scheme}://127.0.0.1:{sock.getsockname()[1]}"


def static_client(args):
    """The client a person would have registered in the provider's dashboard (--static-client ID[:SECRET])."""
    from mcp.shared.auth import OAuthClientInformationFull
    client_id, _, secret = args.static_client.partition(":")
    return OAuthClientInformationFull(
        client_id=client_id, client_secret=secret or None, redirect_uris=[args.static_redirect],
        token_endpoint_auth_method="client_secret_basic" if secret else "none",
        grant_types=["authorization_code", "refresh_token"], response_types=["code"], scope=args.scope)


def bind_loopback() -> socket.socket:
    """A listening socket on 127.0.0.1 with a port from the kernel.

    Made as uvicorn makes its own when given a host and port (through getaddrinfo): with protocol IPPROTO_TCP.
    asyncio sets TCP_NODELAY only on connections whose socket says IPPROTO_TCP; with protocol 0 the server
    kept Nagle's algorithm, and every response after the first on a kept-alive connection waited ~40 ms for
    the client's delayed ACK (measured: 43 ms per metadata request instead of 0.4 ms)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(128)
    s.set_inheritable(True)
    return s


def announce(port: int) -> None:
    """The test harness waits for this line on stdout."""
    print(f"READY {port}", flush=True)


class EventLog:
    """ASGI middleware: records each request's method, path, form fields (names only, and the
    grant type and client id) and whether an Authorization header came, then passes it on."""

    def __init__(self, app, path: str):
        self.app = app
        self.path = path

    def write(self, record: dict) -> None:
        record["t"] = time.time()
        with open(self.path, "a") as f:
            f.write(json.dumps(record) + "\n")

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        body = b""
        more = True
        messages = []
        while more:
            message = await receive()
            messages.append(message)
            body += message.get("body", b"")
            more = message.get("more_body", False)
        record = {"method": scope["method"], "path": scope["path"],
                  "authorization": headers.get("authorization", "").split(" ")[0] or None,
                  "mcpProtocolVersion": headers.get("mcp-protocol-version"),
                  "mcpMethod": headers.get("mcp-method"), "mcpName": headers.get("mcp-name")}
        ctype = headers.get("content-type", "")
        if "form" in ctype:
            from urllib.parse import parse_qsl
            form = dict(parse_qsl(body.decode("utf-8", "replace")))
            record["fields"] = sorted(form)
            for key in ("grant_type", "client_id", "token_type_hint", "resource", "scope"):
                if key in form:
                    record[key] = form[key]
        elif "json" in ctype and body:
            try:
                doc = json.loads(body)
                if isinstance(doc, dict):
                    record["rpc"] = doc.get("method")
                    if scope["path"].endswith("/register"):
                        record["token_endpoint_auth_method"] = doc.get("token_endpoint_auth_method")
                        record["redirect_uris"] = doc.get("redirect_uris")
            except ValueError:
                pass
        status = {}

        async def replay():
            # The buffered body first, then the real channel (an app waiting for http.disconnect must
            # block there, not spin on empty bodies).
            return messages.pop(0) if messages else await receive()

        async def watch(message):
            if message["type"] == "http.response.start":
                # Written before the answer leaves: a client that has its answer finds the record.
                record["status"] = message["status"]
                self.write(record)
                status["written"] = True
            await send(message)

        try:
            await self.app(scope, replay, watch)
        finally:
            if not status.get("written"):
                record["status"] = None
                self.write(record)


class ModernOnly:
    """ASGI middleware: a 2026-07-28-only server. A request without the modern protocol-version
    header (the 2025 initialize handshake and its session) is refused the way such a server refuses
    it: HTTP 400 with JSON-RPC error -32022 naming the versions it supports."""

    def __init__(self, app, mcp_path: str):
        self.app = app
        self.mcp_path = mcp_path

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["path"] == self.mcp_path and scope["method"] == "POST":
            headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
            has_token = headers.get("authorization", "").lower().startswith("bearer ")
            if has_token and headers.get("mcp-protocol-version") != MODERN:
                body = json.dumps({"jsonrpc": "2.0", "id": None, "error": {
                    "code": -32022, "message": "Unsupported protocol version",
                    "data": {"supported": [MODERN], "requested": headers.get("mcp-protocol-version")}}}).encode()
                await send({"type": "http.response.start", "status": 400,
                            "headers": [(b"content-type", b"application/json")]})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)


class Controls:
    """ASGI middleware: test controls at /test/NAME (POST), e.g. revoking every grant the server issued, so
    a test can make a refresh be refused. Every other request passes through untouched."""

    def __init__(self, app, controls: dict):
        self.app = app
        self.controls = controls

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["path"].startswith("/test/") and scope["method"] == "POST":
            action = self.controls.get(scope["path"][len("/test/"):])
            if action is not None:
                action()
                await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
                await send({"type": "http.response.body", "body": b"ok"})
                return
        await self.app(scope, receive, send)


def serve(app, sock: socket.socket, args: argparse.Namespace | None = None) -> None:
    """Runs the app on the socket; with --tls-cert/--tls-key, over HTTPS (uvicorn's own TLS)."""
    import asyncio
    import uvicorn
    tls = {}
    if args is not None and args.tls_cert:
        tls = {"ssl_certfile": args.tls_cert, "ssl_keyfile": args.tls_key}
    config = uvicorn.Config(app, log_level="warning", lifespan="on", timeout_keep_alive=120, **tls)
    server = uvicorn.Server(config)
    announce(sock.getsockname()[1])
    asyncio.run(server.serve(sockets=[sock]))
