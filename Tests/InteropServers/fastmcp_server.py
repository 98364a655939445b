"""FastMCP with its InMemoryOAuthProvider (authorization server and resource server in one), on
127.0.0.1 with a port from the kernel. The provider is FastMCP's own, unchanged; only its module-level
access-token lifetime is set from --token-ttl, so the tests can watch a token expire."""

from common import EventLog, ModernOnly, arguments, bind_loopback, origin, serve, static_client
from fastmcp import FastMCP
from fastmcp.server.auth.providers import in_memory
from fastmcp.server.auth.providers.in_memory import InMemoryOAuthProvider
from mcp.server.auth.settings import ClientRegistrationOptions, RevocationOptions


def main():
    args = arguments(__doc__)
    sock = bind_loopback()
    base = origin(sock, args)
    in_memory.DEFAULT_ACCESS_TOKEN_EXPIRY_SECONDS = args.token_ttl
    provider = InMemoryOAuthProvider(
        base_url=base,
        client_registration_options=ClientRegistrationOptions(
            enabled=args.registration == "on", valid_scopes=[args.scope], default_scopes=[args.scope]),
        revocation_options=RevocationOptions(enabled=True),
        required_scopes=[args.scope])
    if args.static_client:
        client = static_client(args)
        provider.clients[client.client_id] = client
    server = FastMCP("fastmcp-interop", auth=provider)

    @server.tool
    def echo(text: str) -> str:
        """Echoes the text back."""
        return f"echo: {text}"

    @server.tool
    def add(a: int, b: int) -> int:
        """Adds two numbers."""
        return a + b

    app = server.http_app(path="/mcp")
    if args.era == "modern":
        app = ModernOnly(app, "/mcp")
    serve(EventLog(app, args.events), sock, args)


if __name__ == "__main__":
    main()
