import Foundation
import SwitchboardCore

extension TokenKeeper {
    /// Announces the client choice, then signs in with the device code or the browser.
    func authorize(_ flow: ConnectFlow) async throws -> AuthorizationOutcome {
        switch flow.choice {
        case .secretBoundElsewhere:
            try Self.checkSecretIssuer(flow.stored, issuer: flow.meta.issuer, name: flow.connection.name)
        case .manual(let c): await flow.emit(.clientPreregistered(clientID: c.clientID))
        case .metadataDocument(let c): await flow.emit(.clientMetadataDocument(url: c.clientID))
        case .stored(let c) where flow.usesDeviceCode: await flow.emit(.clientReused(clientID: c.clientID))
        // In the browser, whether the stored client fits depends on the listener's redirect URI (`client(for:)`).
        case .stored, .register, .registrationNotOffered: break
        }
        if flow.usesDeviceCode {
            return .tokens(try await authorizeWithDeviceCode(flow))
        }
        // The connection's fixed port (the redirect URI a person registered), else the registered port, so
        // servers that match redirect URIs exactly accept it; `--new-port` asks for a fresh one.
        // A new port comes from below the ephemeral range, so it stays free for the next sign-in (FreePort).
        let fixed = flow.options.forceRegistration ? nil : (flow.scheme.redirectPort ?? flow.choice.client.flatMap { URL(string: $0.redirectURI)?.port })
        let state = PKCE.state(random: env.random)
        let validator = CallbackValidator(expectedState: state, issuer: flow.meta.issuer,
                                          issRequired: flow.meta.authorizationResponseIssParameterSupported == true)
        let validate: @Sendable ([(String, String)]) -> LoopbackListener.Verdict = { query in
            switch validator.validate(query) {
            case .success(let code): .accept(code: code)
            case .failure(let e): .reject(e)
            }
        }
        let listener = if let fixed {
            try await Self.onFixedPort(flow.connection.name) { try await LoopbackListener.start(port: fixed, validate: validate) }
        } else {
            try await LoopbackListener.startOnFreshPort(validate: validate)
        }
        listeners[flow.schemeID] = (listener, validator)
        // Only its own: a newer flow's listener (after `v`/`b`) stays the target of paste-back.
        defer { if listeners[flow.schemeID]?.listener === listener { listeners[flow.schemeID] = nil } }
        do {
            let outcome = try await signInInBrowser(flow, listener: listener, state: state)
            await listener.close()
            return outcome
        } catch {
            await listener.close()
            throw error
        }
    }

    /// Registration (if needed), the browser, the callback and the token exchange, with the listener running.
    func signInInBrowser(_ flow: ConnectFlow, listener: LoopbackListener, state: String) async throws -> AuthorizationOutcome {
        let client = try await client(for: flow, redirectURI: listener.redirectURI, port: listener.port)
        let pkce = PKCE(random: env.random)
        let scopes = Self.scopes(requested: flow.scheme.scopes, discovery: flow.found)
        let authorizationURL = try Self.authorizationURL(flow.meta, client: client, state: state, challenge: pkce.challenge,
                                                         resource: flow.found.resource, scopes: scopes)
        let visit = flow.options.noBrowser ? BrowserVisit.notOpened : await env.browser.visit(authorizationURL)
        if case .refused(let status, let text) = visit {
            // The browser saw the authorization server refuse the request (the demo's figma with a wrong client
            // id answered `400 unknown client`, and the screen waited for ever): say so now.
            throw Self.signInRequestRefused(status: status, text: text, flow: flow, client: client)
        }
        await flow.emit(.waitingForBrowser(url: authorizationURL, redirectURI: client.redirectURI, browserOpened: visit == .opened))
        let code = try await waitForCode(listener)
        await flow.emit(.callbackReceived)
        await flow.emit(.exchangingCode)
        guard let tokenEndpoint = flow.meta.tokenEndpoint.flatMap(URL.init(string:)) else { throw AcquisitionError(.discoveryFailed, "No token endpoint.") }
        let grant: TokenClient.Grant
        do {
            grant = try await TokenClient(http: env.http).exchange(code: code, verifier: pkce.verifier, redirectURI: client.redirectURI,
                                                                   resource: flow.found.resource, registration: client, endpoint: tokenEndpoint)
        } catch {
            if case .rejected(let code, _) = error, code == "invalid_client", flow.scheme.kind == .oauthDynamic,
               case .stored(let stored) = flow.choice, stored.clientID == client.clientID {
                // A *stored* registration the server no longer knows. A client registered moments ago and
                // refused is a server problem (below): registering again would open the browser a second time.
                return .registerAgain
            }
            throw Self.exchangeError(error, flow: flow)
        }
        return .tokens(try await store(grant: grant, schemeID: flow.schemeID, scheme: flow.scheme, meta: flow.meta, found: flow.found,
                                       client: client, requestedScopes: scopes, tokenEndpoint: tokenEndpoint))
    }

    /// The chosen client with the listener's redirect URI, or a new registration made now for it.
    ///
    /// The redirect URI sent in the authorization request and the token request is always the listener's
    /// (RFC 8252 §7.3: a loopback redirect's port may vary). A person's client and a metadata document's are
    /// sent with it (the listener runs on the port the person registered). A *stored* registration is reused
    /// only when it was registered for exactly this URI: one from the device flow (no port) or for another
    /// port would send the browser elsewhere, or be refused by a server that compares URIs exactly, so a
    /// client is registered for this one (unless the server no longer offers registration: then the stored
    /// client is tried with this URI, as RFC 8252 allows).
    func client(for flow: ConnectFlow, redirectURI: String, port: Int) async throws -> ClientRegistration {
        if var chosen = flow.choice.client {
            let stored = if case .stored = flow.choice { true } else { false }
            if !stored || chosen.redirectURI == redirectURI || flow.meta.registrationEndpoint == nil {
                if stored { await flow.emit(.clientReused(clientID: chosen.clientID)) }
                chosen.redirectURI = redirectURI
                return chosen
            }
        }
        await flow.emit(.registeringClient(endpoint: flow.meta.registrationEndpoint.flatMap(URL.init(string:)).map(Redact.url) ?? flow.meta.issuer))
        do {
            let registered = try await DynamicRegistration(http: env.http, clientName: env.clientName)
                .register(at: flow.meta, redirectURI: redirectURI, now: env.now(), connectionName: flow.connection.name,
                          serverURL: flow.connection.serverURL.absoluteString)
            // Held until the flow ends: a flow the person cancels keeps it, so the
            // next Connect reuses it (seen on the real binary: every cancelled Connect registered a new client
            // next time, client-1, -2, -3…); a flow that fails stores nothing (`runConnect`).
            if flow.scheme.kind == .oauthDynamic { issued[flow.identity] = registered }
            await flow.emit(.clientRegistered(clientID: registered.clientID))
            return registered
        } catch let e as AcquisitionError where e.code == .registrationRefused {
            // The message names this redirect URI for the provider's dashboard: keep its port for every
            // later sign-in of this connection.
            await keepRedirectPort(flow.schemeID, port)
            throw e
        }
    }

    /// The authorization server refused the sign-in request itself (no redirect back): most often a client id
    /// or redirect URI it does not know.
    /// A fixed callback port that is taken: a new client on a free port is the way out.
    static func onFixedPort(_ name: String, _ start: () async throws -> LoopbackListener) async throws -> LoopbackListener {
        do {
            return try await start()
        } catch var e as AcquisitionError where e.code == .portInUse {
            e.remedies = [RemedyStep(.advice("Close the program using it.")),
                          RemedyStep(.reconnectNewPort(connection: name), when: "Or, to register again on a free port")]
            throw e
        }
    }

    static func signInRequestRefused(status: Int, text: String, flow: ConnectFlow, client: ClientRegistration) -> AcquisitionError {
        let said = Redact.serverText(text, limit: 160).trimmingCharacters(in: .whitespacesAndNewlines)
        let message = "The authorization server refused the sign-in request (HTTP \(status)\(said.isEmpty ? "" : "; it said: “" + said + "”"))."
        let name = flow.connection.name
        switch flow.scheme.kind {
        case .oauthManual:
            return AcquisitionError(.authorizationFailed, message,
                                    remedies: [RemedyStep(.advice("Check the client id `\(Redact.serverText(client.clientID, limit: 80))` and its redirect URI \(client.redirectURI) in the provider's dashboard.")),
                                               RemedyStep(.setClient(connection: name, secret: false, issuer: false), when: "Then, to enter it again"),
                                               RemedyStep(.connect(connection: name), when: "Then")])
        default:
            return AcquisitionError(.authorizationFailed, message, remedies: [RemedyStep(.doctor(connection: name), when: "To see what the server offers"),
                                                                                  RemedyStep(.reconnectNewPort(connection: name), when: "To register a new client")])
        }
    }

    /// The browser's code, or a timeout on the injected clock.
    func waitForCode(_ listener: LoopbackListener) async throws -> String {
        let timeout = env.callbackTimeout
        let time = env.time
        return try await withThrowingTaskGroup(of: String.self) { group in
            group.addTask { try await listener.waitForCode() }
            group.addTask {
                try await time.sleep(for: timeout)
                let seconds = timeout.components.seconds
                let span = seconds >= 120 ? "\(seconds / 60) minutes" : "\(seconds) seconds"
                throw AcquisitionError(.callbackTimedOut, "No sign-in arrived within \(span).",
                                       remedy: .advice("Connect again and finish signing in in the browser."))
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }

    /// The PKCE authorization request's address.
    static func authorizationURL(_ meta: AuthorizationServerMetadata, client: ClientRegistration, state: String, challenge: String,
                                 resource: String, scopes: [String]?) throws -> URL {
        var items = [("response_type", "code"), ("client_id", client.clientID), ("redirect_uri", client.redirectURI), ("state", state),
                     ("code_challenge", challenge), ("code_challenge_method", "S256"), ("resource", resource)]
        if let scopes { items.append(("scope", scopes.joined(separator: " "))) }
        guard var components = URLComponents(string: meta.authorizationEndpoint ?? "") else {
            throw AcquisitionError(.discoveryFailed, "The authorization endpoint is not a valid URL.")
        }
        components.percentEncodedQuery = ((components.percentEncodedQuery.map { [$0] } ?? []) + [FormEncoding.encode(items)]).joined(separator: "&")
        guard let url = components.url else { throw AcquisitionError(.discoveryFailed, "The authorization endpoint is not a valid URL.") }
        return url
    }

    /// What a failed code exchange tells the person.
    static func exchangeError(_ error: TokenClient.Failure, flow: ConnectFlow) -> AcquisitionError {
        switch error {
        case .rejected(let code, let detail) where code == "invalid_client" && flow.choice.client == nil:
            AcquisitionError(.invalidTokenResponse,
                "The token endpoint refused the client that \(flow.meta.issuer) had just registered: \(detail).",
                remedies: [RemedyStep(.advice("Switchboard did not register again or reopen the browser.")),
                           RemedyStep(.doctor(connection: flow.connection.name), when: "To see the server's answer and report it to its operator")])
        case .rejected(_, let detail), .invalid(let detail):
            AcquisitionError(.invalidTokenResponse, "The token endpoint did not issue tokens: \(detail).",
                             remedy: .advice("Connect again; if it keeps failing, the server's OAuth setup is broken."))
        case .transient(let detail, let advice):
            AcquisitionError(.network, "The token request failed: \(detail).", remedy: .advice(advice ?? "Check the network and connect again."))
        }
    }

    /// The person's scopes; else the challenge's; else the resource's `scopes_supported`; else none.
    /// `offline_access` is added only when the authorization server lists it.
    static func scopes(requested: [String], discovery: DiscoveryResult) -> [String]? {
        var scopes: [String]? = requested.isEmpty ? nil : requested
        if scopes == nil, let s = discovery.challenge?.scopes, !s.isEmpty { scopes = s }
        if scopes == nil, let s = discovery.resourceMetadata?.scopesSupported, !s.isEmpty { scopes = s }
        if var list = scopes, discovery.authorizationServer.scopesSupported?.contains("offline_access") == true, !list.contains("offline_access") {
            list.append("offline_access")
            scopes = list
        }
        return scopes
    }
}
