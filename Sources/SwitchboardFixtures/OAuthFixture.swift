import Crypto
import Foundation
import Synchronization

/// A real OAuth authorization server and MCP resource server on loopback, with switchable behaviours.
/// Used by the tests, the benchmark and `switchboard demo`.
public final class OAuthFixture: Sendable {
    public let options: FixtureOptions
    let resourceServer: FixtureHTTPServer
    let authServer: FixtureHTTPServer?
    let state = Mutex(FixtureState())

    /// What the fixture saw, for assertions.
    public struct Counters: Sendable, Equatable {
        public var registrations = 0
        public var authorizations = 0
        public var codeExchanges = 0
        public var refreshes = 0
        public var refreshTokenReuse = 0
        public var revocations: [String] = []
        public var requests: [String] = []
        public var lastAuthorizationQuery: [String: String] = [:]
        public var lastRegistrationBody: [String: String] = [:]
        public var lastTokenForm: [String: String] = [:]
        public var lastTokenAuthorizationHeader: String?
        public var mcpCalls = 0
        public var devicePolls: [Date] = []
        public var metadataDocumentClientIDs: [String] = []
        /// Every client id presented at the authorization and token endpoints (migration tests look here).
        public var clientIDsSeen: Set<String> = []
        /// Every client secret that reached this server (Basic or form): a test checks where secrets went.
        public var clientSecretsSeen: Set<String> = []
    }

    struct Client { var secret: String?; var method: String; var redirectURIs: [String] }
    struct Code { var clientID: String; var redirectURI: String; var challenge: String; var resource: String?; var scope: String? }
    struct Access { var expiresAt: Date?; var scope: String?; var resource: String?; var revoked = false }
    struct Refresh { var clientID: String; var scope: String?; var resource: String?; var valid = true }

    struct FixtureState {
        var counters = Counters()
        var clients: [String: Client] = [:]
        var codes: [String: Code] = [:]
        var usedCodes: Set<String> = []
        var access: [String: Access] = [:]
        var refresh: [String: Refresh] = [:]
        var serial = 0
        var devices: [String: (clientID: String, polls: Int, resource: String?, scope: String?)] = [:]
        /// After `migrate(to:)`: the authorization server this resource now trusts instead of its own.
        var movedTo: OAuthFixture?
        /// The token endpoint answers 503 to refreshes (an outage; a retry later may work).
        var refreshUnavailable = false
    }

    /// SEP-2352: from now on the resource's metadata names `other`'s authorization server, and the MCP endpoint
    /// accepts only tokens `other` issued.
    public func migrate(to other: OAuthFixture) {
        state.withLock { $0.movedTo = other }
    }

    var movedTo: OAuthFixture? { state.withLock { $0.movedTo } }

    public static func start(_ options: FixtureOptions = FixtureOptions()) async throws -> OAuthFixture {
        let box = Box()
        let resource = try await FixtureHTTPServer.start { request in await box.fixture?.handle(request, role: .resource) }
        var auth: FixtureHTTPServer?
        if options.layout == .chain {
            auth = try await FixtureHTTPServer.start { request in await box.fixture?.handle(request, role: .auth) }
        }
        let fixture = OAuthFixture(options: options, resourceServer: resource, authServer: auth)
        box.set(fixture)
        return fixture
    }

    final class Box: Sendable {
        let value = Mutex<OAuthFixture?>(nil)
        var fixture: OAuthFixture? { value.withLock { $0 } }
        func set(_ f: OAuthFixture) { value.withLock { $0 = f } }
    }

    init(options: FixtureOptions, resourceServer: FixtureHTTPServer, authServer: FixtureHTTPServer?) {
        self.options = options
        self.resourceServer = resourceServer
        self.authServer = authServer
    }

    public func stop() async {
        await resourceServer.stop()
        await authServer?.stop()
    }

    // MARK: - Addresses

    public var origin: String { resourceServer.baseURL }
    /// The MCP server URL to add as a connection.
    public var serverURL: URL { URL(string: origin + options.mcpPath)! }
    var authOrigin: String { authServer?.baseURL ?? origin }

    /// The issuer this fixture's metadata names.
    public var issuer: String {
        switch options.layout {
        case .asPathInsertion, .oidcPathInsertion, .oidcPathAppended: authOrigin + "/tenant1"
        default: authOrigin
        }
    }

    public var counters: Counters { state.withLock { $0.counters } }

    /// Registers a client by hand (for the `oauth` preset and closed registration).
    public func preregister(clientID: String, secret: String? = nil, method: String = "none", redirectURIs: [String] = []) {
        state.withLock { $0.clients[clientID] = Client(secret: secret, method: method, redirectURIs: redirectURIs) }
    }

    /// A refresh token for `clientID` as a past sign-in would have left it (for benchmarks and bulk tests).
    public func mintRefreshToken(clientID: String, resource: String?, scope: String? = nil) -> String {
        let token = "rt-minted-\(UUID().uuidString)"
        state.withLock { $0.refresh[token] = Refresh(clientID: clientID, scope: scope, resource: resource) }
        return token
    }

    /// Revokes every token (the "revoked on the server" case).
    public func revokeAll() {
        state.withLock { s in
            for k in s.access.keys { s.access[k]!.revoked = true }
            for k in s.refresh.keys { s.refresh[k]!.valid = false }
        }
    }

    /// Makes refreshes fail with 503 (true) or work again (false): a passing outage.
    public func setRefreshUnavailable(_ unavailable: Bool) {
        state.withLock { $0.refreshUnavailable = unavailable }
    }

    /// Revokes the access tokens only (refresh tokens stay good): the next request gets 401 and a refresh fixes it.
    public func revokeAccessTokens() {
        state.withLock { s in for k in s.access.keys { s.access[k]!.revoked = true } }
    }

    func scope(of token: String) -> [String] {
        if let other = movedTo { return other.scope(of: token) }
        return state.withLock { $0.access[token]?.scope?.split(separator: " ").map(String.init) ?? [] }
    }

    /// Every secret the server has handed out (access and refresh tokens, codes, client secrets): what a leak scan looks for.
    public var issuedSecrets: [String] {
        state.withLock { s in Array(s.access.keys) + Array(s.refresh.keys) + Array(s.codes.keys) + Array(s.usedCodes) + s.clients.values.compactMap(\.secret) }
    }

    /// Whether the server issued this access token and has not revoked it (expiry aside).
    public func issued(_ token: String) -> Bool {
        state.withLock { $0.access[token].map { !$0.revoked } ?? false }
    }

    /// Whether the server accepts this access token now.
    public func accepts(_ token: String) -> Bool {
        if let other = movedTo { return other.accepts(token) }
        return state.withLock { s in
            guard let a = s.access[token], !a.revoked else { return false }
            return a.expiresAt.map { $0 > Date() } ?? true
        }
    }

    enum Role { case resource, auth }

    /// A registered client, or (with CIMD on) a public client identified by its metadata document URL.
    func client(_ id: String) -> Client? {
        if let c = state.withLock({ $0.clients[id] }) { return c }
        if options.clientIDMetadataDocuments, id.hasPrefix("https://") {
            state.withLock { $0.counters.metadataDocumentClientIDs.append(id) }
            return Client(secret: nil, method: "none", redirectURIs: [])
        }
        return nil
    }

    func nextID(_ prefix: String) -> String {
        let n = state.withLock { s in s.serial += 1; return s.serial }
        var g = SystemRandomNumberGenerator()
        // Every secret the server hands out carries the canary, so a leak scan finds any of them.
        let marker = OAuthFixture.secretPrefixes.contains(prefix) ? "-\(OAuthFixture.canary)" : ""
        return "\(prefix)\(marker)-\(n)-\(String(UInt64.random(in: 0...UInt64.max, using: &g), radix: 36))"
    }

    /// The marker inside every access token, refresh token, code, device code and client secret issued.
    public static let canary = "sbcanary"
    static let secretPrefixes: Set<String> = ["at", "rt", "code", "device", "secret"]

    func handle(_ request: FixtureRequest, role: Role) async -> FixtureResponse? {
        state.withLock { $0.counters.requests.append("\(request.method) \(request.path)") }
        let servesAuth = role == .auth || options.layout != .chain
        if let misbehaviour = options.misbehaviour?.value {
            switch await misbehaviour.intercept(request, at: endpoint(of: request, role: role, servesAuth: servesAuth), fixture: self) {
            case .normal: break
            case .respond(let answer): return answer
            case .drop: return nil
            }
        }
        if options.tokenDelay > 0, servesAuth, request.method == "POST", request.path == "/token" {
            let answer = token(request)
            try? await Task.sleep(for: .seconds(options.tokenDelay))
            return answer
        }
        if role == .resource {
            if request.path == options.mcpPath { return mcp(request) }
            if let r = resourceMetadata(request) { return r }
        }
        if servesAuth {
            if let r = await authorizationServerMetadata(request) { return r }
            if let r = authorizationServer(request) { return r }
        }
        return .notFound
    }

    /// `text` as the misbehaviour (if any) changes it before the server hands it out.
    func decorate(_ text: String, _ field: FixtureTextField) -> String {
        options.misbehaviour?.value.decorate(text, field) ?? text
    }

    /// Which endpoint `request` reached, as a misbehaviour sees it.
    func endpoint(of request: FixtureRequest, role: Role, servesAuth: Bool) -> FixtureEndpoint {
        if role == .resource, request.path == options.mcpPath { return .mcp }
        if role == .resource, let url = resourceMetadataURL, origin + request.path == url { return .resourceMetadata }
        if servesAuth, let path = authorizationMetadataPath, request.path == path { return .authorizationMetadata }
        if servesAuth, request.path == "/register" { return .register }
        if servesAuth, request.path == "/token" { return .token }
        return .other
    }

    static func s256(_ verifier: String) -> String {
        Data(SHA256.hash(data: Data(verifier.utf8))).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
