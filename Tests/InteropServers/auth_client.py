"""The official MCP Python SDK's own client flow, in one process, for the benchmark to set beside
Switchboard's: its OAuth client (`OAuthClientProvider`: discovery, dynamic registration, PKCE, token
exchange) on an httpx client, then `initialize` (or `server/discover` with --mode 2026-07-28) and
`tools/list`. The browser is an httpx GET of the authorization URL whose redirect (the SDK's server
signs the person in at once) carries the code; nothing listens on the redirect URI. Prints one JSON
object: the milliseconds from the first request to the listed tools (the interpreter's start-up and
imports are not counted) and how many tools came back."""

import argparse
import asyncio
import json
import sys
import time
from urllib.parse import parse_qs, urlparse

import httpx2
import mcp_types as types
from mcp.client.auth import AuthorizationCodeResult, OAuthClientProvider
from mcp.client.session import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.auth import OAuthClientInformationFull, OAuthClientMetadata, OAuthToken


class Memory:
    """Tokens and the registration, kept in memory for the one run."""

    def __init__(self):
        self.tokens: OAuthToken | None = None
        self.client: OAuthClientInformationFull | None = None

    async def get_tokens(self):
        return self.tokens

    async def set_tokens(self, tokens):
        self.tokens = tokens

    async def get_client_info(self):
        return self.client

    async def set_client_info(self, client_info):
        self.client = client_info


async def main():
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True)
    p.add_argument("--redirect-port", type=int, default=33418)
    p.add_argument("--mode", default="legacy", help="legacy (initialize) or a version for server/discover")
    a = p.parse_args()
    redirected: dict[str, str] = {}

    async def open_browser(url: str) -> None:
        # The browser's own connection: a person's browser opens one too.
        async with httpx2.AsyncClient(follow_redirects=False, timeout=60) as browser:
            answer = await browser.get(url)
        location = answer.headers.get("location", "")
        query = parse_qs(urlparse(location).query)
        if "code" not in query:
            raise SystemExit(f"the authorization endpoint answered {answer.status_code} without a code: {location[:200]}")
        redirected.update({k: v[0] for k, v in query.items()})

    async def callback() -> AuthorizationCodeResult:
        return AuthorizationCodeResult(code=redirected["code"], state=redirected.get("state"), iss=redirected.get("iss"))

    auth = OAuthClientProvider(
        server_url=a.url,
        client_metadata=OAuthClientMetadata(client_name="python-sdk-bench", grant_types=["authorization_code", "refresh_token"],
                                            response_types=["code"],
                                            redirect_uris=[f"http://127.0.0.1:{a.redirect_port}/callback"]),
        storage=Memory(), redirect_handler=open_browser, callback_handler=callback)
    started = time.perf_counter()
    async with httpx2.AsyncClient(auth=auth, timeout=60) as http:
        async with streamable_http_client(a.url, http_client=http) as (read, write):
            async with ClientSession(read, write) as session:
                if a.mode == "legacy":
                    await session.initialize()
                else:
                    session.adopt(types.DiscoverResult.model_validate(await session.send_discover(a.mode)))
                tools = await session.list_tools()
                elapsed = (time.perf_counter() - started) * 1000
    sys.stdout.write(json.dumps({"ms": elapsed, "tools": len(tools.tools)}) + "\n")


if __name__ == "__main__":
    asyncio.run(main())
