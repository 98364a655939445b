"""The official MCP Python SDK's server (MCPServer) with the SDK's own authorization server
(mcp.server.auth: metadata, registration, authorize, token, revocation handlers and client
authentication), on 127.0.0.1 with a port from the kernel. The provider below only stores what the
SDK's handlers hand it and signs the person in at once (there is no login page to click through)."""

import secrets
import time

import anyio

from common import Controls, EventLog, ModernOnly, arguments, bind_loopback, origin, serve, static_client
from mcp.server.auth.provider import (AccessToken, AuthorizationCode, AuthorizationParams, RefreshToken,
                                      construct_redirect_uri)
from mcp.server.auth.settings import AuthSettings, ClientRegistrationOptions, RevocationOptions
from mcp.server.mcpserver import Context, MCPServer
from pydantic import BaseModel


class Answer(BaseModel):
    text: str
from mcp.shared.auth import OAuthClientInformationFull, OAuthToken


class AutoApprovingProvider:
    def __init__(self, ttl: int):
        self.ttl = ttl
        self.clients: dict[str, OAuthClientInformationFull] = {}
        self.codes: dict[str, AuthorizationCode] = {}
        self.access: dict[str, AccessToken] = {}
        self.refresh: dict[str, RefreshToken] = {}

    async def get_client(self, client_id):
        return self.clients.get(client_id)

    async def register_client(self, client_info):
        self.clients[client_info.client_id] = client_info

    async def authorize(self, client, params: AuthorizationParams):
        code = "code_" + secrets.token_hex(16)
        self.codes[code] = AuthorizationCode(
            code=code, client_id=client.client_id, redirect_uri=params.redirect_uri,
            redirect_uri_provided_explicitly=params.redirect_uri_provided_explicitly,
            scopes=params.scopes or [], expires_at=time.time() + 300, code_challenge=params.code_challenge,
            resource=params.resource)
        return construct_redirect_uri(str(params.redirect_uri), code=code, state=params.state)

    async def load_authorization_code(self, client, code):
        found = self.codes.get(code)
        return found if found and found.client_id == client.client_id else None

    def _issue(self, client_id, scopes, resource):
        access, refresh = "at_" + secrets.token_hex(24), "rt_" + secrets.token_hex(24)
        self.access[access] = AccessToken(token=access, client_id=client_id, scopes=scopes,
                                          expires_at=int(time.time()) + self.ttl, resource=resource)
        self.refresh[refresh] = RefreshToken(token=refresh, client_id=client_id, scopes=scopes)
        return OAuthToken(access_token=access, token_type="Bearer", expires_in=self.ttl,
                          refresh_token=refresh, scope=" ".join(scopes))

    async def exchange_authorization_code(self, client, code):
        del self.codes[code.code]
        return self._issue(client.client_id, code.scopes, code.resource)

    async def load_refresh_token(self, client, token):
        found = self.refresh.get(token)
        return found if found and found.client_id == client.client_id else None

    async def exchange_refresh_token(self, client, token, scopes):
        del self.refresh[token.token]  # rotation: a refresh token works once
        return self._issue(client.client_id, scopes or token.scopes, None)

    async def load_access_token(self, token):
        found = self.access.get(token)
        if found and found.expires_at and found.expires_at < time.time():
            return None
        return found

    def revoke_all(self):
        """Every grant ends, as when the person revokes the app in the provider's dashboard."""
        self.access.clear()
        self.refresh.clear()

    async def revoke_token(self, token):
        self.access.pop(token.token, None)
        self.refresh.pop(token.token, None)
        for table in (self.access, self.refresh):
            for key in [k for k, v in table.items() if v.client_id == token.client_id]:
                del table[key]


def main():
    args = arguments(__doc__)
    sock = bind_loopback()
    base = origin(sock, args)
    provider = AutoApprovingProvider(args.token_ttl)
    if args.static_client:
        client = static_client(args)
        provider.clients[client.client_id] = client
    server = MCPServer(
        name="python-sdk-interop", version="2.3.0", auth_server_provider=provider,
        auth=AuthSettings(
            issuer_url=base, resource_server_url=base + ("/sse" if args.transport == "sse" else "/mcp"), validate_token_resource=False,
            client_registration_options=ClientRegistrationOptions(
                enabled=args.registration == "on", valid_scopes=[args.scope], default_scopes=[args.scope]),
            revocation_options=RevocationOptions(enabled=True), required_scopes=[args.scope]))

    @server.tool()
    def echo(text: str) -> str:
        """Echoes the text back."""
        return f"echo: {text}"

    @server.tool()
    def add(a: int, b: int) -> int:
        """Adds two numbers."""
        return a + b

    @server.tool()
    async def slow_echo(text: str) -> str:
        """Echoes the text after a tenth of a second (a tool that takes a while)."""
        await anyio.sleep(0.1)
        return f"echo: {text}"

    @server.tool()
    async def hang(ctx: Context) -> str:
        """Never answers before the client goes away (a request in flight)."""
        await ctx.report_progress(0, 1, "started")
        await anyio.sleep(3600)
        return "late"

    @server.tool()
    async def ask(question: str, ctx: Context) -> str:
        """Asks the person (elicitation), reporting progress first."""
        await ctx.report_progress(1, 2, "asking")
        answer = await ctx.elicit(question, Answer)
        if answer.action != "accept" or answer.data is None:
            return f"no answer ({answer.action})"
        return f"answered: {answer.data.text}"

    @server.tool()
    async def roots(ctx: Context) -> str:
        """Lists the client's roots (a server-to-client request)."""
        listed = await ctx.session.list_roots()
        return " ".join(str(r.uri) for r in listed.roots)

    if args.transport == "sse":
        app = server.sse_app()
    else:
        app = server.streamable_http_app()
    if args.era == "modern":
        app = ModernOnly(app, "/mcp")
    def forget_sessions():
        """The server forgets every MCP session (as after a restart): their ids answer 404."""
        if args.transport == "streamable":
            server.session_manager._server_instances.clear()

    serve(EventLog(Controls(app, {"revoke-all": provider.revoke_all, "forget-sessions": forget_sessions}), args.events), sock, args)


if __name__ == "__main__":
    main()
