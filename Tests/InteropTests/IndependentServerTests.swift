import Foundation
import SwitchboardCore
import SwitchboardTestSupport
import Testing

/// The real binary against servers we did not write: the official MCP Python SDK's server with the SDK's
/// own authorization server, and FastMCP with its InMemoryOAuthProvider, from PyPI at pinned versions
/// (`Tests/InteropServers/requirements.txt`). Our fixture shares our assumptions; these do not.
@Suite(.serialized) struct IndependentServerTests {
    @Test(arguments: InteropServer.Flavor.allCases)
    func dynamicRegistrationLifecycle(_ flavor: InteropServer.Flavor) async throws {
        let server = try await InteropServer.start(flavor, ["--token-ttl", "4"])
        var home = BinaryHome()
        defer { server.stop(); home.remove() }

        #expect(try await home.run(["add", "svc", server.serverURL.absoluteString]).status == 0)
        let connect = try await home.run(["connect", "svc"])
        #expect(connect.status == 0, "\(home.log)")
        #expect(connect.stdout.contains("Client registered"))
        // One registration, one sign-in, a confidential client authenticated the way these servers accept.
        #expect(server.events("/register").count == 1)
        #expect(server.events("/authorize").count == 1)
        let exchange = try #require(server.events("/token").last)
        #expect(exchange.status == 200 && exchange.grant_type == "authorization_code", "\(home.log)")
        #expect(exchange.authorization == "Basic" && exchange.fields?.contains("client_id") == true)
        #expect(exchange.fields?.contains("client_secret") == false, "two authentication methods in one request")

        // Both eras: detected (modern first), and each forced.
        let check = try await home.run(["check", "svc"])
        #expect(check.status == 0, "\(home.log)")
        #expect(check.stdout.contains("MCP 2026-07-28 (stateless)") && check.stdout.contains("echo"))
        let legacy = try await home.run(["check", "svc", "--era", "2025-11-25"])
        #expect(legacy.status == 0 && legacy.stdout.contains("MCP 2025-11-25"), "\(home.log)")
        for era in ["2026-07-28", "2025-11-25"] {
            let call = try await home.run(["call", "svc", "echo", #"{"text":"hi"}"#, "--era", era])
            #expect(call.status == 0 && call.stdout.contains("echo: hi"), "\(home.log)")
        }
        let modernCall = try #require(server.events("/mcp").last { $0.mcpMethod == "tools/call" })
        #expect(modernCall.mcpProtocolVersion == "2026-07-28" && modernCall.mcpName == "echo")

        // The access token expires; `token` refreshes it and the server accepts the new one.
        let before = try await home.run(["token", "svc"]).stdout
        try StoredTokens.age(home: home.directory.url, by: 5.5)
        let after = try await home.run(["token", "svc"])
        #expect(after.status == 0 && after.stdout != before, "\(home.log)")
        #expect(server.events("/token").contains { $0.grant_type == "refresh_token" && $0.status == 200 }, "\(home.log)")
        #expect(try await home.run(["call", "svc", "add", #"{"a":2,"b":3}"#]).stdout.contains("5"))
        // (Under load a command may already have refreshed the 4-second token; count from here.)
        let refreshes = { server.events("/token").filter { $0.grant_type == "refresh_token" && $0.status == 200 }.count }
        let refreshedSoFar = refreshes()
        let refresh = try await home.run(["refresh", "svc"])
        #expect(refresh.status == 0, "\(home.log)")
        #expect(refreshes() == refreshedSoFar + 1)

        // Disconnect: the revocation requests reach the server, with one authentication method each.
        let disconnect = try await home.run(["disconnect", "svc"])
        #expect(disconnect.status == 0, "\(home.log)")
        let revocations = server.events("/revoke")
        #expect(revocations.map(\.token_type_hint) == ["refresh_token", "access_token"], "\(home.log)")
        #expect(revocations.allSatisfy { $0.authorization == "Basic" && $0.fields?.contains("client_secret") == false })
        // Both servers' revocation handler wants `client_secret` in the form even with Basic (see the README):
        // they answer 400, and Switchboard says the revocation was not confirmed.
        if revocations.contains(where: { $0.status != 200 }) {
            #expect(disconnect.stdout.contains("did not confirm the revocation"), "\(home.log)")
        }
        #expect(try await home.run(["token", "svc"]).status == 3)

        // Reconnect reuses the registration: no second /register.
        let reconnect = try await home.run(["reconnect", "svc"])
        #expect(reconnect.status == 0, "\(home.log)")
        #expect(reconnect.stdout.contains("Reusing") || reconnect.stdout.contains("reused"), "\(home.log)")
        #expect(server.events("/register").count == 1)
        #expect(try await home.run(["call", "svc", "echo", #"{"text":"again"}"#]).stdout.contains("echo: again"))

        // No token reached anything but `token`'s standard output.
        for secret in [before, after.stdout].map({ $0.trimmingCharacters(in: .whitespacesAndNewlines) }) where !secret.isEmpty {
            #expect(!home.transcript.filter { !$0.hasPrefix("$ switchboard token") }.contains { $0.contains(secret) })
        }
    }

    @Test(arguments: InteropServer.Flavor.allCases)
    func staticClient(_ flavor: InteropServer.Flavor) async throws {
        let port = try TestPort.pick()
        let redirect = "http://127.0.0.1:\(port)/callback"
        let server = try await InteropServer.start(flavor, ["--registration", "off", "--static-client", "dashboard-client:s3cr3t-sbcanary",
                                                            "--static-redirect", redirect])
        var home = BinaryHome()
        defer { server.stop(); home.remove() }
        let add = try await home.run(["add", "svc", server.serverURL.absoluteString, "--scheme", "oauth", "--client-id", "dashboard-client",
                                      "--client-secret-stdin", "--redirect-port", "\(port)"], stdin: "s3cr3t-sbcanary\n")
        #expect(add.status == 0 && add.stdout.contains(redirect), "\(home.log)")
        let connect = try await home.run(["connect", "svc"])
        #expect(connect.status == 0, "\(home.log)")
        #expect(server.events("/register").isEmpty)
        #expect(try await home.run(["call", "svc", "echo", #"{"text":"static"}"#]).stdout.contains("echo: static"), "\(home.log)")
        #expect(!home.log.contains("s3cr3t"))
    }

    @Test(arguments: InteropServer.Flavor.allCases)
    func registrationOffLeadsToTheManualPath(_ flavor: InteropServer.Flavor) async throws {
        let server = try await InteropServer.start(flavor, ["--registration", "off"])
        var home = BinaryHome()
        defer { server.stop(); home.remove() }
        _ = try await home.run(["add", "svc", server.serverURL.absoluteString])
        let connect = try await home.run(["connect", "svc"])
        #expect(connect.status == 1)
        #expect(connect.stderr.contains("does not allow self-registration"), "\(home.log)")
        #expect(connect.stderr.contains("switchboard set-client svc --client-id ID"))
        #expect(connect.stderr.contains("http://127.0.0.1:") && connect.stderr.contains("/callback"))
        #expect(server.events("/authorize").isEmpty, "no browser was opened for a flow that cannot finish")
    }

    @Test func modernOnlyServer() async throws {
        let server = try await InteropServer.start(.pythonSDK, ["--era", "modern"])
        var home = BinaryHome()
        defer { server.stop(); home.remove() }
        _ = try await home.run(["add", "svc", server.serverURL.absoluteString])
        #expect(try await home.run(["connect", "svc"]).status == 0, "\(home.log)")
        let check = try await home.run(["check", "svc"])
        #expect(check.status == 0 && check.stdout.contains("MCP 2026-07-28"), "\(home.log)")
        #expect(server.events("/mcp").filter { $0.authorization == "Bearer" }.allSatisfy { $0.mcpProtocolVersion == "2026-07-28" })
        let forcedOld = try await home.run(["check", "svc", "--era", "2025-11-25"])
        #expect(forcedOld.status == 1 && forcedOld.stderr.contains("400"), "\(home.log)")
        #expect(try await home.run(["show", "svc"]).stdout.contains("2026-07-28 (stateless)"))
    }
}
