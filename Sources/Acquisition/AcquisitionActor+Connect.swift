import Foundation
import SwitchboardCore

extension AcquisitionActor {
    /// Runs the authorization flow for a scheme; the stream ends with `.connected` or `.failed`.
    public func connect(schemeID: String, options: ConnectOptions = ConnectOptions()) -> AsyncStream<AcquisitionEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: AcquisitionEvent.self)
        flows[schemeID]?.cancel()
        let task = Task {
            await self.runConnect(schemeID: schemeID, options: options) { event in
                continuation.yield(event)
                await self.broadcast(schemeID, event)
            }
            continuation.finish()
        }
        flows[schemeID] = task
        continuation.onTermination = { reason in
            if case .cancelled = reason { task.cancel() }
        }
        return stream
    }

    /// Cancels a connect in progress (closes its listener).
    public func cancelConnect(schemeID: String) {
        flows[schemeID]?.cancel()
    }

    /// Delivers a pasted redirect URL to a flow waiting for the browser. It is checked like a real callback;
    /// a wrong one is refused and the flow keeps waiting.
    public func deliverPastedCallback(schemeID: String, url text: String) -> Result<Void, AcquisitionError> {
        guard let (listener, validator) = listeners[schemeID] else {
            return .failure(AcquisitionError(.notConnected, "No sign-in is waiting for a browser.", remedy: "Start Connect first."))
        }
        guard let components = URLComponents(string: text.trimmingCharacters(in: .whitespacesAndNewlines)),
              components.path.hasSuffix("/callback"), let items = components.queryItems, !items.isEmpty else {
            return .failure(AcquisitionError(.authorizationFailed, "That is not the address the browser ended on.",
                                             remedy: "Copy the whole address from the browser's address bar (it starts with \(listener.redirectURI))."))
        }
        let query = items.map { ($0.name, $0.value ?? "") }
        switch validator.validate(query) {
        case .success(let code):
            listener.deliver(.accept(code: code))
            return .success(())
        case .failure(let e) where e.code == .stateMismatch:
            return .failure(e)
        case .failure(let e):
            listener.deliver(.reject(e))
            return .failure(e)
        }
    }

    func runConnect(schemeID: String, options: ConnectOptions, emit: @escaping @Sendable (AcquisitionEvent) async -> Void) async {
        do {
            _ = try scheme(schemeID)
        } catch {
            await emit(.failed(error as? AcquisitionError ?? AcquisitionError(.storage, "\(error)")))
            return
        }
        // `connecting` reaches this process's screen through the events, and is not written: a flow killed
        // midway must not leave a scheme "connecting" in the file forever. A cancel leaves the file as it was.
        do {
            var forceRegistration = options.forceRegistration
            var attempt = 0
            while true {
                attempt += 1
                do {
                    var attemptOptions = options
                    attemptOptions.forceRegistration = forceRegistration
                    let tokens = try await authorize(schemeID: schemeID, options: attemptOptions, emit: emit)
                    cache[schemeID] = tokens
                    await emit(.connected(expiresAt: tokens.expiresAt))
                    await flushStatus()
                    wakeScheduler()
                    break
                } catch let e as RetryWithNewRegistration where attempt == 1 {
                    _ = e
                    forceRegistration = true
                }
            }
        } catch {
            if let connection = try? scheme(schemeID).0 { discoveries[connection.serverURL.absoluteString] = nil }
            let e: AcquisitionError = (error as? AcquisitionError) ?? (error is CancellationError
                ? AcquisitionError(.cancelled, "The sign-in was cancelled.") : AcquisitionError(.network, "\(error)"))
            if e.code != .cancelled {
                await setStatus(schemeID, .error(message: e.message, remedy: e.remedy)) { $0.lastError = e.message }
            }
            await emit(.failed(e))
        }
        flows[schemeID] = nil
    }

    /// Discovery, or its result from a flow for the same server in the last ten minutes (the same events
    /// are emitted, so the checklist reads the same).
    func discover(_ serverURL: URL, cachedIssuer: String?, fresh: Bool,
                  emit: @escaping @Sendable (AcquisitionEvent) async -> Void) async throws -> DiscoveryResult {
        let key = serverURL.absoluteString
        if !fresh, let hit = discoveries[key], env.now().timeIntervalSince(hit.at) < Self.discoveryLifetime {
            await emit(.probing(server: key))
            if let url = hit.result.resourceMetadataURL { await emit(.resourceMetadataFound(url: url)) } else { await emit(.resourceMetadataMissing) }
            await emit(.authorizationServerFound(issuer: hit.result.authorizationServer.issuer))
            return hit.result
        }
        let found = try await Discovery(http: env.http, emit: emit).run(serverURL: serverURL, cachedIssuer: cachedIssuer)
        discoveries[key] = (found, env.now())
        return found
    }

    /// Forgets remembered discovery results (the next flow discovers afresh).
    public func forgetDiscoveries() { discoveries = [:] }

    /// The stored registration was rejected (`invalid_client`): register again, once.
    struct RetryWithNewRegistration: Error {}

    func authorize(schemeID: String, options: ConnectOptions, emit: @escaping @Sendable (AcquisitionEvent) async -> Void) async throws -> TokenSet {
        let forceRegistration = options.forceRegistration
        let (connection, scheme) = try scheme(schemeID)
        guard scheme.kind.isOAuth else {
            throw AcquisitionError(.notConnected, "\(connection.name) uses `\(scheme.kind.rawValue)`, which needs no sign-in.")
        }
        let stored = try loadSecrets(schemeID)
        let found = try await discover(connection.serverURL, cachedIssuer: stored.tokens?.issuer, fresh: forceRegistration, emit: emit)
        let meta = found.authorizationServer

        // Which client: the person's, a stored registration for this issuer, or a new one.
        var registration: ClientRegistration?
        var reusedStored = false
        if scheme.kind == .oauthManual, let clientID = scheme.clientID {
            let secret = stored.manualClientSecret
            if secret != nil, !options.trustNewClientIssuer { try Self.checkSecretIssuer(stored, issuer: meta.issuer, name: connection.name) }
            registration = ClientRegistration(
                issuer: meta.issuer, clientID: clientID, clientSecret: secret,
                authMethod: secret == nil ? "none" : (meta.tokenEndpointAuthMethodsSupported?.contains("client_secret_basic") == false
                    && meta.tokenEndpointAuthMethodsSupported?.contains("client_secret_post") == true ? "client_secret_post" : "client_secret_basic"),
                redirectURI: stored.registrations[meta.issuer]?.redirectURI ?? "", registeredAt: env.now())
            await emit(.clientPreregistered(clientID: clientID))
        } else if let document = scheme.clientMetadataURL ?? env.clientMetadataURL,
                  meta.clientIDMetadataDocumentSupported == true {
            // The MCP specification's preferred identification: the document's URL is the client id.
            registration = ClientRegistration(issuer: meta.issuer, clientID: document, authMethod: "none", redirectURI: "", registeredAt: env.now())
            await emit(.clientMetadataDocument(url: document))
        } else if !forceRegistration, let existing = stored.registrations[meta.issuer],
                  existing.clientSecretExpiresAt.map({ $0 > env.now() }) ?? true,
                  scheme.redirectPort.map({ existing.redirectURI == AuthScheme.redirectURI(port: $0) }) ?? true {
            registration = existing
            reusedStored = true
            await emit(.clientReused(clientID: existing.clientID))
        }

        if options.preferDevice, meta.deviceAuthorizationEndpoint != nil {
            return try await authorizeWithDeviceCode(connection: connection, scheme: scheme, stored: stored, found: found,
                                                     registration: registration, emit: emit)
        }

        // The connection's fixed port (the redirect URI a person registered), else the registered port, so
        // servers that match redirect URIs exactly accept it; `--new-port` asks for a fresh one.
        // A new port comes from below the ephemeral range, so it stays free for the next sign-in (FreePort).
        let fixed = forceRegistration ? nil : (scheme.redirectPort ?? registration.flatMap { URL(string: $0.redirectURI)?.port })
        let state = PKCE.state(random: env.random)
        let validator = CallbackValidator(expectedState: state, issuer: meta.issuer,
                                          issRequired: meta.authorizationResponseIssParameterSupported == true)
        let validate: @Sendable ([(String, String)]) -> LoopbackListener.Verdict = { query in
            switch validator.validate(query) {
            case .success(let code): .accept(code: code)
            case .failure(let e): .reject(e)
            }
        }
        let listener = if let fixed {
            try await LoopbackListener.start(port: fixed, validate: validate)
        } else {
            try await LoopbackListener.startOnFreshPort(validate: validate)
        }
        listeners[schemeID] = (listener, validator)
        do {
            let tokens = try await completeAuthorization(connection: connection, scheme: scheme, stored: stored, found: found,
                                                         registration: registration, reusedStored: reusedStored, listener: listener,
                                                         state: state, options: options, emit: emit)
            listeners[schemeID] = nil
            await listener.close()
            return tokens
        } catch {
            listeners[schemeID] = nil
            await listener.close()
            throw error
        }
    }

    /// Registration (if needed), the browser, the callback and the token exchange, with the listener running.
    func completeAuthorization(connection: Connection, scheme: AuthScheme, stored: SchemeSecrets, found: DiscoveryResult,
                               registration: ClientRegistration?, reusedStored: Bool, listener: LoopbackListener, state: String,
                               options: ConnectOptions, emit: @escaping @Sendable (AcquisitionEvent) async -> Void) async throws -> TokenSet {
        let forceRegistration = options.forceRegistration
        let schemeID = scheme.id
        let meta = found.authorizationServer
        var registration = registration
        let freshlyRegistered = registration == nil

        if registration == nil {
            await emit(.registeringClient(endpoint: meta.registrationEndpoint.map { Redact.url(URL(string: $0)!) } ?? meta.issuer))
            let reg: ClientRegistration
            do {
                reg = try await DynamicRegistration(http: env.http, clientName: env.clientName)
                    .register(at: meta, redirectURI: listener.redirectURI, now: env.now(), connectionName: connection.name,
                              serverURL: connection.serverURL.absoluteString)
            } catch let e as AcquisitionError where e.code == .registrationRefused {
                // The message names this redirect URI for the provider's dashboard: keep its port for every
                // later sign-in of this connection.
                await keepRedirectPort(schemeID, listener.port)
                throw e
            }
            registration = reg
            await emit(.clientRegistered(clientID: reg.clientID))
        } else if registration!.redirectURI.isEmpty {
            registration!.redirectURI = listener.redirectURI
        }
        let client = registration!

        // PKCE authorization request.
        let pkce = PKCE(random: env.random)
        let scopes = Self.scopes(requested: scheme.scopes, discovery: found)
        var items = [URLQueryItem(name: "response_type", value: "code"),
                     URLQueryItem(name: "client_id", value: client.clientID),
                     URLQueryItem(name: "redirect_uri", value: client.redirectURI),
                     URLQueryItem(name: "state", value: state),
                     URLQueryItem(name: "code_challenge", value: pkce.challenge),
                     URLQueryItem(name: "code_challenge_method", value: "S256"),
                     URLQueryItem(name: "resource", value: found.resource)]
        if let scopes { items.append(URLQueryItem(name: "scope", value: scopes.joined(separator: " "))) }
        guard var components = URLComponents(string: meta.authorizationEndpoint ?? "") else {
            throw AcquisitionError(.discoveryFailed, "The authorization endpoint is not a valid URL.")
        }
        components.percentEncodedQuery = ((components.percentEncodedQuery.map { [$0] } ?? [])
            + [FormEncoding.encode(items.map { ($0.name, $0.value ?? "") })]).joined(separator: "&")
        guard let authorizationURL = components.url else { throw AcquisitionError(.discoveryFailed, "The authorization endpoint is not a valid URL.") }

        let opened = options.noBrowser ? false : await env.browser.open(authorizationURL)
        await emit(.waitingForBrowser(url: authorizationURL, redirectURI: client.redirectURI, browserOpened: opened))

        let code = try await withThrowingTaskGroup(of: String.self) { group in
            group.addTask { try await listener.waitForCode() }
            let timeout = env.callbackTimeout
            group.addTask {
                try await Task.sleep(for: timeout)
                let seconds = timeout.components.seconds
                let span = seconds >= 120 ? "\(seconds / 60) minutes" : "\(seconds) seconds"
                throw AcquisitionError(.callbackTimedOut, "No sign-in arrived within \(span).",
                                       remedy: "Connect again and finish signing in in the browser.")
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
        await emit(.callbackReceived)
        await emit(.exchangingCode)
        guard let tokenEndpoint = meta.tokenEndpoint.flatMap(URL.init(string:)) else { throw AcquisitionError(.discoveryFailed, "No token endpoint.") }
        let grant: TokenClient.Grant
        do {
            grant = try await TokenClient(http: env.http).exchange(code: code, verifier: pkce.verifier, redirectURI: client.redirectURI,
                                                                   resource: found.resource, registration: client, endpoint: tokenEndpoint)
        } catch {
            switch error {
            case .rejected(let code, _) where code == "invalid_client" && scheme.kind == .oauthDynamic && reusedStored && !forceRegistration:
                // Only a *stored* registration the server no longer knows is replaced (once). A client
                // registered moments ago and refused is a server problem: registering again would open the
                // browser a second time and fail the same way.
                throw RetryWithNewRegistration()
            case .rejected(let code, let detail) where code == "invalid_client" && freshlyRegistered:
                throw AcquisitionError(.invalidTokenResponse,
                    "The token endpoint refused the client that \(meta.issuer) had just registered: \(detail).",
                    remedy: "Switchboard did not register again or reopen the browser. Run `switchboard doctor \(connection.name)` and report the server's answer to its operator.")
            case .rejected(_, let detail), .invalid(let detail):
                throw AcquisitionError(.invalidTokenResponse, "The token endpoint did not issue tokens: \(detail).",
                                       remedy: "Connect again; if it keeps failing, the server's OAuth setup is broken.")
            case .transient(let detail):
                throw AcquisitionError(.network, "The token request failed: \(detail).", remedy: "Check the network and connect again.")
            }
        }
        return try await store(grant: grant, schemeID: schemeID, scheme: scheme, meta: meta, found: found, client: client,
                         requestedScopes: scopes, tokenEndpoint: tokenEndpoint)
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
