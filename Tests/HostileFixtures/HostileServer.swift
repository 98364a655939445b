import Foundation
import SwitchboardFixtures

/// The ways a hostile or broken server answers, for the tests only: the binary that ships holds none of them
/// (its demo servers follow the rules). Set one with `FixtureOptions { $0.hostile = .tokenHTML }`.
public enum HostileBehaviour: String, Sendable, CaseIterable {
    case issuerMismatch, noPKCEMethods, wrongState, wrongIss, hugeMetadata, silentMetadata, resourceMismatch
    case tokenRedirect, tokenWithoutAccessToken, tokenWithoutType, negativeExpiresIn, absurdExpiresIn
    case malformedMetadata, htmlMetadata, registrationWithoutClientID, insecureEndpoints, silentToken
    // Protected-resource metadata.
    case prmNoAuthorizationServers, prmMalformed, prmHuge, prmInsecureAuthorizationServer, prmSilent, probeSilent
    // Authorization-server metadata.
    case metadataRedirect, metadataNotObject, metadataWithoutAuthorizationEndpoint, metadataWithoutTokenEndpoint
    case plainPKCEOnly, insecureTokenEndpoint, issuerTrailingSlash, issuerTwoTrailingSlashes
    // Registration.
    case registrationServerError, registrationMalformed, registrationHuge, registrationRedirect, silentRegistration
    // Authorization response.
    case accessDenied, escapesInErrorDescription, callbackWithoutCode
    // Token endpoint.
    case tokenServerError, tokenInvalidGrant, tokenMalformed, tokenHTML, tokenHuge, tokenErrorWithStatus200
    case tokenTypeNotBearer, tokenAccessTokenNotString, tokenEmptyAccessToken, tokenZeroExpiresIn
}

/// Hostile `tools/list` paging: the same cursor on every page, or a new cursor forever.
public enum HostileToolPaging: String, Sendable { case repeatCursor, endless }

extension FixtureOptions {
    public typealias Hostile = HostileBehaviour
    public typealias ToolPaging = HostileToolPaging

    /// The rules this server breaks, as one misbehaviour (each switch below sets its part; all off: none).
    var hostileServer: HostileServer {
        get { misbehaviour?.value as? HostileServer ?? HostileServer() }
        set { misbehaviour = newValue.breaksNoRule ? nil : Misbehaviour(newValue) }
    }

    /// The one rule this server breaks (nil: none).
    public var hostile: HostileBehaviour? {
        get { hostileServer.behaviour }
        set { hostileServer.behaviour = newValue }
    }

    /// Text a hostile server embeds in every string it controls (registered client id, token scope,
    /// device user code and verification URI, an auth method, server name and version, tool names and
    /// descriptions, tool results).
    public var nastyText: String? {
        get { hostileServer.nastyText }
        set { hostileServer.nastyText = newValue }
    }

    /// Put control characters into the access token (a token no header or terminal may carry).
    public var controlCharactersInAccessToken: Bool {
        get { hostileServer.controlCharactersInAccessToken }
        set { hostileServer.controlCharactersInAccessToken = newValue }
    }

    /// The token endpoint answers `invalid_client` to every client (a server that breaks its own registrations).
    public var tokenRefusesClients: Bool {
        get { hostileServer.tokenRefusesClients }
        set { hostileServer.tokenRefusesClients = newValue }
    }

    /// Hostile `tools/list` paging (nil: one page).
    public var toolPaging: HostileToolPaging? {
        get { hostileServer.toolPaging }
        set { hostileServer.toolPaging = newValue }
    }
}

/// A fixture server that breaks rules: at most one `HostileBehaviour`, and any of the switches beside it.
struct HostileServer: FixtureMisbehaviour {
    var behaviour: HostileBehaviour?
    var nastyText: String?
    var controlCharactersInAccessToken = false
    var tokenRefusesClients = false
    var toolPaging: HostileToolPaging?

    var breaksNoRule: Bool {
        behaviour == nil && nastyText == nil && !controlCharactersInAccessToken && !tokenRefusesClients && toolPaging == nil
    }

    var name: String {
        var parts: [String] = behaviour.map { [$0.rawValue] } ?? []
        if let nastyText { parts.append("nastyText=\(nastyText.debugDescription)") }
        if controlCharactersInAccessToken { parts.append("controlCharactersInAccessToken") }
        if tokenRefusesClients { parts.append("tokenRefusesClients") }
        if let toolPaging { parts.append("toolPaging=\(toolPaging.rawValue)") }
        return parts.joined(separator: "+")
    }

    static let hugeBody: Data = {
        var d = Data("{\"issuer\":\"".utf8)
        d.append(Data(repeating: UInt8(ascii: "a"), count: 50 << 20))
        d.append(Data("\"}".utf8))
        return d
    }()

    func intercept(_ request: FixtureRequest, at endpoint: FixtureEndpoint, fixture: OAuthFixture) async -> FixtureInterception {
        func raw(_ text: String, type: String = "application/json", status: Int = 200) -> FixtureInterception {
            .respond(FixtureResponse(status: status, headers: [("Content-Type", type)], body: Data(text.utf8)))
        }
        func huge() -> FixtureInterception { .respond(FixtureResponse(status: 200, headers: [("Content-Type", "application/json")], body: Self.hugeBody)) }
        func silence(answering: Bool = true) async -> FixtureInterception {
            try? await Task.sleep(for: .seconds(fixture.options.silenceSeconds))
            return answering ? .respond(.notFound) : .drop
        }
        func metadata(_ change: (inout [String: Any]) -> Void) -> FixtureInterception {
            var m = fixture.authorizationMetadata
            change(&m)
            return .respond(.json(m))
        }
        // The metadata answers that replace the document's bytes take a GET only; the others any request to its address.
        let isPRM = endpoint == .resourceMetadata, atASMetadata = endpoint == .authorizationMetadata
        let isASMetadata = atASMetadata && request.method == "GET"
        let isMCP = endpoint == .mcp, isRegister = endpoint == .register, isToken = endpoint == .token
        switch behaviour {
        case .silentToken where isToken: return await silence(answering: false)
        case .silentMetadata where isASMetadata: return await silence()
        case .hugeMetadata where isASMetadata: return huge()
        case .malformedMetadata where isASMetadata: return raw("{\"issuer\": ")
        case .htmlMetadata where isASMetadata: return raw("<html>hello</html>", type: "text/html")
        case .prmNoAuthorizationServers where isPRM: return .respond(.json(["resource": fixture.serverURL.absoluteString, "authorization_servers": [String]()]))
        case .prmMalformed where isPRM: return raw("{\"resource\": \"")
        case .prmHuge where isPRM: return huge()
        case .prmInsecureAuthorizationServer where isPRM:
            return .respond(.json(["resource": fixture.serverURL.absoluteString, "authorization_servers": ["http://auth.example.com"]]))
        case .prmSilent where isPRM: return await silence()
        case .probeSilent where isMCP: return await silence()
        case .metadataRedirect where atASMetadata: return .respond(FixtureResponse(status: 302, headers: [("Location", "https://evil.example/.well-known/oauth-authorization-server")]))
        case .metadataNotObject where atASMetadata: return raw("[\"issuer\"]")
        case .metadataWithoutAuthorizationEndpoint where atASMetadata: return metadata { $0["authorization_endpoint"] = nil }
        case .metadataWithoutTokenEndpoint where atASMetadata: return metadata { $0["token_endpoint"] = nil }
        case .plainPKCEOnly where atASMetadata: return metadata { $0["code_challenge_methods_supported"] = ["plain"] }
        case .insecureTokenEndpoint where atASMetadata: return metadata { $0["token_endpoint"] = "http://auth.example.com/token" }
        case .issuerTrailingSlash where atASMetadata: return metadata { $0["issuer"] = fixture.issuer + "/" }
        case .issuerTwoTrailingSlashes where atASMetadata: return metadata { $0["issuer"] = fixture.issuer + "//" }
        case .registrationServerError where isRegister: return raw("<h1>Internal Server Error</h1>", type: "text/html", status: 500)
        case .registrationMalformed where isRegister: return raw("{\"client_id\": ", status: 201)
        case .registrationHuge where isRegister: return huge()
        case .registrationRedirect where isRegister: return .respond(FixtureResponse(status: 307, headers: [("Location", "https://evil.example/register")]))
        case .silentRegistration where isRegister: return await silence()
        case .tokenServerError where isToken: return raw("upstream exploded", type: "text/plain", status: 500)
        case .tokenInvalidGrant where isToken: return .respond(.json(["error": "invalid_grant", "error_description": "code expired"], status: 400))
        case .tokenMalformed where isToken: return raw("{\"access_token\": \"at-")
        case .tokenHTML where isToken: return raw("<html>login</html>", type: "text/html")
        case .tokenHuge where isToken: return huge()
        case .tokenErrorWithStatus200 where isToken: return .respond(.json(["error": "invalid_request"]))
        default: return .normal
        }
    }

    /// A POST to the token endpoint, once the server has recorded it (the tests read `lastTokenForm`).
    func answerTokenRequest(_ request: FixtureRequest, fixture: OAuthFixture) -> FixtureResponse? {
        if behaviour == .tokenRedirect { return FixtureResponse(status: 307, headers: [("Location", "https://evil.example/token")]) }
        if tokenRefusesClients { return .json(["error": "invalid_client", "error_description": "Missing client_id"], status: 401) }
        return nil
    }

    func decorate(_ text: String, _ field: FixtureTextField) -> String {
        text + (nastyText ?? "")
    }

    func adjustMCPResult(_ result: inout [String: Any], method: String, params: [String: Any]) {
        guard method == "tools/list" else { return }
        switch toolPaging {
        case .repeatCursor: result["nextCursor"] = "again"
        case .endless:
            let page = Int((params["cursor"] as? String)?.dropFirst() ?? "") ?? 0
            result["nextCursor"] = "p\(page + 1)"
        case nil: break
        }
    }

    func adjustAuthorizationMetadata(_ m: inout [String: Any], fixture: OAuthFixture) {
        if let nastyText, let methods = m["token_endpoint_auth_methods_supported"] as? [String] {
            m["token_endpoint_auth_methods_supported"] = methods + ["private_key_jwt" + nastyText]
        }
        switch behaviour {
        case .issuerMismatch: m["issuer"] = "https://evil.example"
        case .insecureEndpoints: m["authorization_endpoint"] = "http://auth.example.com/authorize"
        case .noPKCEMethods: m["code_challenge_methods_supported"] = nil
        default: break
        }
    }

    func adjustResourceMetadata(_ m: inout [String: Any], fixture: OAuthFixture) {
        if behaviour == .resourceMismatch { m["resource"] = "https://other.example/mcp" }
    }

    func adjustAuthorizationAnswer(_ answer: inout [(String, String)], fixture: OAuthFixture) {
        func replaceCode(with pairs: [(String, String)]) {
            answer.removeAll { $0.0 == "code" || $0.0 == "error" || $0.0 == "error_description" }
            answer.insert(contentsOf: pairs, at: 0)
        }
        switch behaviour {
        case .accessDenied: replaceCode(with: [("error", "access_denied"), ("error_description", "The user said no")])
        case .escapesInErrorDescription: replaceCode(with: [("error", "server_error"), ("error_description", "\u{1B}[2J\u{1B}[31mpwned\u{7}\r\nfake line")])
        case .callbackWithoutCode: replaceCode(with: [])
        case .wrongState: answer = answer.map { $0.0 == "state" ? ("state", "forged-state") : $0 }
        case .wrongIss:
            answer.removeAll { $0.0 == "iss" }
            answer.append(("iss", "https://evil.example"))
        default: break
        }
    }

    func adjustRegistration(_ answer: inout [String: Any]) {
        if behaviour == .registrationWithoutClientID { answer = ["client_name": "x"] }
    }

    func adjustTokenAnswer(_ out: inout [String: Any]) {
        if let nastyText, let scope = out["scope"] as? String { out["scope"] = scope + " x" + nastyText }
        if controlCharactersInAccessToken, let access = out["access_token"] as? String { out["access_token"] = access + "\u{1B}[2J" }
        switch behaviour {
        case .tokenWithoutAccessToken: out["access_token"] = nil
        case .tokenWithoutType: out["token_type"] = nil
        case .negativeExpiresIn: out["expires_in"] = -5
        case .absurdExpiresIn: out["expires_in"] = 1e12
        case .tokenTypeNotBearer: out["token_type"] = "mac"
        case .tokenAccessTokenNotString: out["access_token"] = 12345
        case .tokenEmptyAccessToken: out["access_token"] = ""
        case .tokenZeroExpiresIn: out["expires_in"] = 0
        default: break
        }
    }
}
