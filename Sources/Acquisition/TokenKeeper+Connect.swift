import Foundation
import SwitchboardCore

extension TokenKeeper {
    /// Runs the authorization flow for a scheme; the stream ends with `.connected` or `.failed`.
    public func connect(schemeID: String, options: ConnectOptions = ConnectOptions()) -> AsyncStream<AcquisitionEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: AcquisitionEvent.self)
        // The flow this one replaces ends first (its listener closed, its port free), then this one starts.
        let previous = flows[schemeID]
        previous?.cancel()
        // Each flow has its own identity: an older flow ending (cancelled by this one) clears only what is its
        // own, never the newer flow's task, listener or held registration (after `v`/`b`, Esc and paste-back
        // lost their target).
        flowCounter &+= 1
        let identity = flowCounter
        let task = Task {
            await previous?.value
            // Replaced or cancelled while the previous one ended: it opens nothing (no listener, no browser).
            if Task.isCancelled {
                continuation.yield(.failed(AcquisitionError(.cancelled, "The sign-in was cancelled.")))
                continuation.finish()
                return
            }
            // Only the scheme's current flow speaks to the screens: a replaced flow's "cancelled" would mark the
            // new sign-in's panel as finished (after `v`/`b`). Its own stream still hears everything.
            let finish: FlowDelivery = { raw, status, revision in
                let event = Redact.event(raw)
                continuation.yield(event)
                await self.broadcastIfCurrent(schemeID, identity, event, status: status, revision: revision)
            }
            await self.runConnect(schemeID: schemeID, options: options, identity: identity, finish: finish)
            continuation.finish()
        }
        flows[schemeID] = task
        flowIdentity[schemeID] = identity
        continuation.onTermination = { reason in
            if case .cancelled = reason { task.cancel() }
        }
        return stream
    }

    func broadcastIfCurrent(_ schemeID: String, _ identity: UInt64, _ event: AcquisitionEvent, status: SchemeStatus? = nil, revision: Int? = nil) {
        guard flowIdentity[schemeID] == identity else { return }
        broadcast(schemeID, event, revision: revision, status: status)
    }

    /// Cancels a connect in progress (closes its listener).
    public func cancelConnect(schemeID: String) {
        flows[schemeID]?.cancel()
    }

    /// Delivers a pasted redirect URL to a flow waiting for the browser. It is checked like a real callback;
    /// a wrong one is refused and the flow keeps waiting.
    public func deliverPastedCallback(schemeID: String, url text: String) -> Result<Void, AcquisitionError> {
        guard let (listener, validator) = listeners[schemeID] else {
            return .failure(AcquisitionError(.notConnected, "No sign-in is waiting for a browser.", remedy: .advice("Start Connect first.")))
        }
        guard let components = URLComponents(string: text.trimmingCharacters(in: .whitespacesAndNewlines)),
              components.path.hasSuffix("/callback"), let items = components.queryItems, !items.isEmpty else {
            return .failure(AcquisitionError(.authorizationFailed, "That is not the address the browser ended on.",
                                             remedy: .advice("Copy the whole address from the browser's address bar (it starts with \(listener.redirectURI)).")))
        }
        let query = items.map { ($0.name, $0.value ?? "") }
        switch validator.validate(query) {
        case .success(let code):
            signInMethod[schemeID] = .paste
            listener.deliver(.accept(code: code))
            return .success(())
        case .failure(let e) where e.code == .stateMismatch:
            return .failure(e)
        case .failure(let e):
            listener.deliver(.reject(e))
            return .failure(e)
        }
    }

    /// `finish` sends every event of the flow: progress with no status, the final one with its write's.
    func runConnect(schemeID: String, options: ConnectOptions, identity: UInt64, finish: @escaping FlowDelivery) async {
        let emit: @Sendable (AcquisitionEvent) async -> Void = { await finish($0, nil, nil) }
        // `connecting` reaches this process's screen through the events, and is not written: a flow killed
        // midway must not leave a scheme "connecting" in the file forever. A cancel leaves the file as it was.
        do {
            var outcome = try await authorize(try await prepare(schemeID: schemeID, options: options, identity: identity, emit: emit))
            if case .registerAgain = outcome {
                // Only a *stored* registration the server no longer knows is replaced, once: discovery and
                // registration afresh (a new registration is never `.stored`, so this cannot repeat).
                var again = options
                again.forceRegistration = true
                outcome = try await authorize(try await prepare(schemeID: schemeID, options: again, identity: identity, emit: emit))
            }
            guard case .tokens(let stored) = outcome else {
                throw AcquisitionError(.invalidTokenResponse, "The token endpoint refused a newly registered client.", remedy: .doctor(connection: (try? scheme(schemeID))?.0.name))
            }
            let tokens = stored.tokens
            cache[schemeID] = tokens
            let how = signInMethod.removeValue(forKey: schemeID) ?? .browser
            note(.connected, schemeID) { $0.how = how.rawValue; $0.expiresAt = tokens.expiresAt }
            await publish(stored.status, .connected(expiresAt: tokens.expiresAt), deliver: finish)
            wakeScheduler()
        } catch {
            if let connection = try? scheme(schemeID).0 { discoveries[connection.serverURL.absoluteString] = nil }
            let e: AcquisitionError = (error as? AcquisitionError) ?? (error is CancellationError
                ? AcquisitionError(.cancelled, "The sign-in was cancelled.") : AcquisitionError(.network, "\(error)"))
            if flowIdentity[schemeID] == identity { signInMethod[schemeID] = nil }
            // The person cancelled: the client the server issued stays, with its redirect URI, for the next
            // Connect. A failure (a timeout too: the callback may have been forged) stores nothing.
            // Only for a connection that still exists (`remove` meanwhile deleted every secret of it).
            if let registered = issued[identity], e.code == .cancelled, (try? scheme(schemeID)) != nil {
                do {
                    try env.secrets.updateScheme(schemeID) { entry in
                        if entry.registrations[registered.issuer] == nil { entry.registrations[registered.issuer] = registered }
                    }
                } catch {
                    env.logger.error("could not keep the new registration: \(error)")
                }
            }
            if e.code != .cancelled {
                note(.connectFailed, schemeID) { $0.reason = e.message }
                await publish(schemeID, .error(message: e.message, remedies: e.remedies), .failed(e), deliver: finish, info: { $0.lastError = e.message })
            } else {
                // A cancel writes nothing: the file keeps what it had.
                await emit(.failed(e))
            }
        }
        // Only this flow's own entries: a newer flow for the scheme may have registered its own meanwhile.
        if flowIdentity[schemeID] == identity {
            flows[schemeID] = nil
            flowIdentity[schemeID] = nil
            signInMethod[schemeID] = nil
        }
        issued[identity] = nil
    }

    /// Everything a flow needs before it signs in: the scheme, what is stored, discovery, the client choice.
    func prepare(schemeID: String, options: ConnectOptions, identity: UInt64 = 0, emit: @escaping @Sendable (AcquisitionEvent) async -> Void) async throws -> ConnectFlow {
        let (connection, scheme) = try scheme(schemeID)
        guard scheme.kind.isOAuth else {
            throw AcquisitionError(.notConnected, "\(connection.name) uses `\(scheme.kind.rawValue)`, which needs no sign-in.")
        }
        let stored = try loadSecrets(schemeID)
        let found = try await discover(connection.serverURL, cachedIssuer: stored.tokens?.issuer, fresh: options.forceRegistration, emit: emit)
        let choice = ClientChoice.decide(ClientChoice.Inputs(
            scheme: scheme, secrets: stored, server: found.authorizationServer, configuredDocument: env.clientMetadataURL,
            forceRegistration: options.forceRegistration, trustNewIssuer: options.trustNewClientIssuer, now: env.now()))
        return ConnectFlow(connection: connection, scheme: scheme, stored: stored, found: found, choice: choice, options: options, emit: emit, identity: identity)
    }

    /// Discovery, or its result from a flow for the same server in the last ten minutes (the same events
    /// are emitted, so the checklist reads the same).
    func discover(_ serverURL: URL, cachedIssuer: String?, fresh: Bool,
                  emit: @escaping @Sendable (AcquisitionEvent) async -> Void) async throws -> DiscoveryResult {
        let key = serverURL.absoluteString
        if !fresh, let hit = discoveries[key], env.now().timeIntervalSince(hit.at) < Self.discoveryLifetime {
            await emit(.probing(server: key))
            if let url = hit.result.resourceMetadataURL { await emit(.resourceMetadataFound(url: url)) } else { await emit(.resourceMetadataMissing) }
            await emit(.authorizationServerFound(issuer: hit.result.authorizationServer.issuer, deviceFlow: hit.result.authorizationServer.deviceAuthorizationEndpoint != nil))
            return hit.result
        }
        let found = try await Discovery(http: env.http, emit: emit).run(serverURL: serverURL, cachedIssuer: cachedIssuer)
        discoveries[key] = (found, env.now())
        return found
    }

    /// Forgets remembered discovery results (the next flow discovers afresh).
    public func forgetDiscoveries() { discoveries = [:] }
}
