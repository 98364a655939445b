import Foundation

extension OAuthFixture {
    /// What a hostile or broken server answers instead of the normal response (nil: answer normally).
    func hostileAnswer(_ request: FixtureRequest, role: Role, servesAuth: Bool) async -> FixtureResponse? {
        guard let hostile = options.hostile else { return nil }
        let isPRM = role == .resource && resourceMetadataURL == origin + request.path
        let isASMetadata = servesAuth && request.path == authorizationMetadataPath
        let isMCP = role == .resource && request.path == options.mcpPath
        let isRegister = servesAuth && request.path == "/register"
        let isToken = servesAuth && request.path == "/token"
        func raw(_ text: String, type: String = "application/json", status: Int = 200) -> FixtureResponse {
            FixtureResponse(status: status, headers: [("Content-Type", type)], body: Data(text.utf8))
        }
        func huge() -> FixtureResponse { FixtureResponse(status: 200, headers: [("Content-Type", "application/json")], body: OAuthFixture.hugeBody) }
        func silence() async -> FixtureResponse? {
            try? await Task.sleep(for: .seconds(options.silenceSeconds))
            return .notFound
        }
        func metadata(_ change: (inout [String: Any]) -> Void) -> FixtureResponse {
            var m = authorizationMetadata
            change(&m)
            return .json(m)
        }
        switch hostile {
        case .prmNoAuthorizationServers where isPRM: return .json(["resource": serverURL.absoluteString, "authorization_servers": [String]()])
        case .prmMalformed where isPRM: return raw("{\"resource\": \"")
        case .prmHuge where isPRM: return huge()
        case .prmInsecureAuthorizationServer where isPRM:
            return .json(["resource": serverURL.absoluteString, "authorization_servers": ["http://auth.example.com"]])
        case .prmSilent where isPRM: return await silence()
        case .probeSilent where isMCP: return await silence()
        case .metadataRedirect where isASMetadata: return FixtureResponse(status: 302, headers: [("Location", "https://evil.example/.well-known/oauth-authorization-server")])
        case .metadataNotObject where isASMetadata: return raw("[\"issuer\"]")
        case .metadataWithoutAuthorizationEndpoint where isASMetadata: return metadata { $0["authorization_endpoint"] = nil }
        case .metadataWithoutTokenEndpoint where isASMetadata: return metadata { $0["token_endpoint"] = nil }
        case .plainPKCEOnly where isASMetadata: return metadata { $0["code_challenge_methods_supported"] = ["plain"] }
        case .insecureTokenEndpoint where isASMetadata: return metadata { $0["token_endpoint"] = "http://auth.example.com/token" }
        case .issuerTrailingSlash where isASMetadata: return metadata { $0["issuer"] = issuer + "/" }
        case .issuerTwoTrailingSlashes where isASMetadata: return metadata { $0["issuer"] = issuer + "//" }
        case .registrationServerError where isRegister: return raw("<h1>Internal Server Error</h1>", type: "text/html", status: 500)
        case .registrationMalformed where isRegister: return raw("{\"client_id\": ", status: 201)
        case .registrationHuge where isRegister: return huge()
        case .registrationRedirect where isRegister: return FixtureResponse(status: 307, headers: [("Location", "https://evil.example/register")])
        case .silentRegistration where isRegister: return await silence()
        case .tokenServerError where isToken: return raw("upstream exploded", type: "text/plain", status: 500)
        case .tokenInvalidGrant where isToken: return .json(["error": "invalid_grant", "error_description": "code expired"], status: 400)
        case .tokenMalformed where isToken: return raw("{\"access_token\": \"at-")
        case .tokenHTML where isToken: return raw("<html>login</html>", type: "text/html")
        case .tokenHuge where isToken: return huge()
        case .tokenErrorWithStatus200 where isToken: return .json(["error": "invalid_request"])
        default: return nil
        }
    }
}
