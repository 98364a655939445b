@testable import Acquisition
import Foundation
import SwitchboardCore
import Testing

@Suite struct WWWAuthenticateTests {
    @Test func quotedAndBareParameters() {
        let c = WWWAuthenticate.parse(#"Bearer resource_metadata="https://mcp.example/.well-known/oauth-protected-resource", scope="a b", error=invalid_token"#)
        #expect(c.count == 1)
        #expect(c[0].scheme == "bearer")
        #expect(c[0].resourceMetadata?.absoluteString == "https://mcp.example/.well-known/oauth-protected-resource")
        #expect(c[0].scopes == ["a", "b"])
        #expect(c[0].error == "invalid_token")
    }

    @Test func severalChallengesInOneHeaderAndCaseInsensitiveSchemes() {
        let c = WWWAuthenticate.parse(#"Basic realm="x", BEARER realm="api", Scope="s1", DPoP algs="ES256""#)
        #expect(c.map(\.scheme) == ["basic", "bearer", "dpop"])
        #expect(c[1]["scope"] == "s1")
        #expect(c[1]["realm"] == "api")
        #expect(WWWAuthenticate.bearer(in: [#"Basic realm="x""#, "Bearer"])?.scheme == "bearer")
    }

    @Test func escapesAndToken68() {
        let c = WWWAuthenticate.parse(#"Bearer error_description="say \"hi\", ok", realm=a"#)
        #expect(c[0]["error_description"] == #"say "hi", ok"#)
        #expect(c[0]["realm"] == "a")
        let n = WWWAuthenticate.parse("Negotiate abc123==, Bearer")
        #expect(n[0].token68 == "abc123==")
        #expect(n[1].scheme == "bearer")
    }

    @Test(arguments: ["", ",,,", "=", "Bearer ,", "Bearer a=", "Bearer \"", "Bearer a=\"unterminated", "\u{0}\u{1}"])
    func malformedInputNeverCrashes(_ header: String) {
        _ = WWWAuthenticate.parse(header)
    }
}

@Suite struct DiscoveryOrderTests {
    @Test func resourceMetadataCandidates() {
        #expect(Discovery.resourceMetadataCandidates(for: URL(string: "https://a.example/public/mcp")!).map(\.absoluteString) ==
                ["https://a.example/.well-known/oauth-protected-resource/public/mcp", "https://a.example/.well-known/oauth-protected-resource"])
        #expect(Discovery.resourceMetadataCandidates(for: URL(string: "https://a.example")!).map(\.absoluteString) ==
                ["https://a.example/.well-known/oauth-protected-resource"])
    }

    @Test func authorizationServerCandidates() {
        #expect(Discovery.authorizationServerCandidates(issuer: URL(string: "https://as.example/tenant1")!).map(\.absoluteString) == [
            "https://as.example/.well-known/oauth-authorization-server/tenant1",
            "https://as.example/.well-known/openid-configuration/tenant1",
            "https://as.example/tenant1/.well-known/openid-configuration",
        ])
        #expect(Discovery.authorizationServerCandidates(issuer: URL(string: "https://as.example")!).map(\.absoluteString) == [
            "https://as.example/.well-known/oauth-authorization-server",
            "https://as.example/.well-known/openid-configuration",
        ])
    }

    @Test func resourceMatching() {
        let server = URL(string: "https://mcp.example.com/mcp")!
        #expect(Discovery.resource("https://mcp.example.com/mcp", matches: server))
        #expect(Discovery.resource("https://MCP.example.com/mcp/", matches: server))
        #expect(Discovery.resource("https://mcp.example.com", matches: server))
        #expect(!Discovery.resource("https://mcp.example.com/other", matches: server))
        #expect(!Discovery.resource("https://mcp.example.com/mc", matches: server))
        #expect(!Discovery.resource("https://evil.example/mcp", matches: server))
    }

    @Test func authMethodChoice() {
        #expect(TokenEndpointAuth.methodForRegistration(supported: ["client_secret_post", "none"]) == "none")
        #expect(TokenEndpointAuth.methodForRegistration(supported: ["client_secret_post", "client_secret_basic"]) == "client_secret_basic")
        #expect(TokenEndpointAuth.methodForRegistration(supported: ["client_secret_post"]) == "client_secret_post")
        #expect(TokenEndpointAuth.methodForRegistration(supported: nil) == "client_secret_basic")
    }
}

@Suite struct TokenResponseTests {
    @Test func parsesAndValidates() throws {
        let g = try TokenClient.parse(Data(#"{"access_token":"a","token_type":"BEARER","expires_in":"60","scope":"x y"}"#.utf8))
        #expect(g.expiresIn == 60)
        #expect(g.scope == ["x", "y"])
        #expect(g.refreshToken == nil)
    }

    @Test(arguments: [
        #"{"token_type":"Bearer"}"#, #"{"access_token":"a"}"#, #"{"access_token":"a","token_type":"mac"}"#,
        #"{"access_token":"a","token_type":"Bearer","expires_in":-1}"#, #"{"access_token":"a","token_type":"Bearer","expires_in":1e15}"#,
        #"{"access_token":"a","token_type":"Bearer","expires_in":"soon"}"#, "[]", "not json",
    ])
    func rejects(_ body: String) {
        #expect(throws: TokenClient.Failure.self) { try TokenClient.parse(Data(body.utf8)) }
    }

    @Test func pkceChallengeMatchesRFC7636AppendixB() {
        #expect(PKCE.challenge(for: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
    }

    @Test func callbackValidation() throws {
        let v = CallbackValidator(expectedState: "s", issuer: "https://as", issRequired: true)
        #expect(try v.validate([("code", "c"), ("state", "s"), ("iss", "https://as")]).get() == "c")
        #expect(throws: AcquisitionError.self) { try v.validate([("code", "c"), ("state", "s")]).get() }
        #expect(throws: AcquisitionError.self) { try v.validate([("code", "c"), ("state", "x"), ("iss", "https://as")]).get() }
        // A mismatched iss hides the error fields.
        if case .failure(let e) = v.validate([("error", "evil_message"), ("state", "s"), ("iss", "https://other")]) {
            #expect(!e.message.contains("evil_message"))
        }
        let open = CallbackValidator(expectedState: "s", issuer: "https://as", issRequired: false)
        #expect(throws: AcquisitionError.self) { try open.validate([("error", "access_denied"), ("state", "s")]).get() }
        #expect(try open.validate([("code", "c"), ("state", "s")]).get() == "c")
    }

    @Test func proxySettings() {
        let p = ProxySettings.fromEnvironment(["HTTPS_PROXY": "http://proxy:3128", "NO_PROXY": "internal.example,.corp"])
        #expect(p.server?.host == "proxy")
        #expect(p.server?.port == 3128)
        #expect(p.shouldProxy(URL(string: "https://mcp.example.com")!))
        #expect(!p.shouldProxy(URL(string: "http://127.0.0.1:9/x")!))
        #expect(!p.shouldProxy(URL(string: "https://api.internal.example/x")!))
        #expect(!p.shouldProxy(URL(string: "https://a.corp/x")!))
    }
}
