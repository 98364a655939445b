import Foundation
import SwitchboardCore

extension TokenKeeper {
    /// A valid access token for an OAuth scheme: the cached one while usable (no file read), else a refresh,
    /// at most one per `RefreshPolicy.floor` (an expired token within the floor waits it out on the clock).
    /// With no way to refresh, an expired token is never returned: the scheme flips to expired and this
    /// throws `needsReconnect`.
    public func validToken(for schemeID: String) async throws -> String {
        while true {
            do {
                return try await validTokenOnce(for: schemeID)
            } catch let wait as RefreshFloor {
                // Another caller (or process) refreshes when the floor has passed; look again then.
                try await env.time.sleep(until: wait.until)
                cache[schemeID] = nil
            }
        }
    }

    private func validTokenOnce(for schemeID: String) async throws -> String {
        let now = env.now()
        if let t = cache[schemeID], Freshness.isUsable(t, now: now) { return t.accessToken }
        let secrets = try loadSecrets(schemeID)
        guard let tokens = secrets.tokens else {
            // Say why, when the scheme knows (a refused refresh, a server that moved).
            throw notSignedIn(schemeID)
        }
        cache[schemeID] = tokens
        if Freshness.isUsable(tokens, now: now) { return tokens.accessToken }
        // Within the floor, wait for the refresh that is allowed; with nothing to refresh, say so now.
        if tokens.refreshToken != nil, now < Freshness.earliestRefresh(tokens) { throw RefreshFloor(until: Freshness.earliestRefresh(tokens)) }
        return try await refresh(schemeID: schemeID).accessToken
    }

    /// A refresh asked for within the floor of the last one, whose token has already expired: wait until `until`.
    struct RefreshFloor: Error {
        let until: Date
    }

    /// Refreshes now. Concurrent callers in this process share one refresh; across processes the
    /// refresh runs under the scheme's lock and adopts a token another process already refreshed.
    /// `rejected` is an access token the server just refused: anything else stored is adopted as new.
    @discardableResult
    public func refresh(schemeID: String, force: Bool = false, rejected: String? = nil) async throws -> TokenSet {
        if let running = refreshes[schemeID] { return try await running.value }
        let task = Task {
            do {
                return try await self.performRefresh(schemeID: schemeID, force: force, rejected: rejected)
            } catch {
                await self.reportUnpublishedFailure(schemeID, error)
                throw error
            }
        }
        refreshes[schemeID] = task
        defer { refreshes[schemeID] = nil }
        return try await task.value
    }

    /// A refresh that failed without publishing how it ended (a store that could not be written, a cancel) ends
    /// the `refreshing` a screen shows: a final event with the file's status. Refusals and network failures
    /// published theirs (`expired`, `failed`) already; a lock another process held changed nothing to say.
    func reportUnpublishedFailure(_ schemeID: String, _ error: any Error) {
        if let e = error as? AcquisitionError, [.needsReconnect, .network, .busy].contains(e.code) { return }
        if error is RefreshFloor { return }
        let e = error as? AcquisitionError ?? (error is CancellationError ? AcquisitionError(.cancelled, "The refresh was cancelled.")
                                                                         : AcquisitionError(.storage, "The refresh did not finish: \(error)"))
        broadcast(schemeID, .failed(e))
    }

    /// A scheme with no tokens, for `token`, `headers` and `refresh` alike: why, when the scheme knows (a refused
    /// refresh, a server that moved), and the remedy naming its connection.
    func notSignedIn(_ schemeID: String) -> AcquisitionError {
        let found = try? scheme(schemeID)
        if let (connection, scheme) = found, case .expired(let reason, _) = scheme.status {
            return AcquisitionError(.needsReconnect, reason, remedy: .reconnect(connection: connection.name))
        }
        return AcquisitionError(.needsReconnect, "Not signed in.",
                                remedy: found.map { .connect(connection: $0.0.name) } ?? .advice("Connect this connection."))
    }

    /// Waits, at most `limit`, for the refreshes running now to end (each has its own deadlines). A process
    /// that is about to exit calls this: a refresh cut off after the server rotated the refresh token but before
    /// the new one was stored would lose the grant (a server that detects reuse revokes all of it).
    public func drainRefreshes(limit: Duration = .seconds(15)) async {
        let running = Array(refreshes.values)
        guard !running.isEmpty else { return }
        _ = try? await withDeadline(limit, expired: { CancellationError() }) {
            for task in running { _ = try? await task.value }
        }
    }

    func performRefresh(schemeID: String, force: Bool, rejected: String?) async throws -> TokenSet {
        do {
            return try await refreshUnderLock(schemeID: schemeID, force: force, rejected: rejected)
        } catch let busy as SchemeLock.Busy {
            let name = (try? scheme(schemeID).0.name) ?? "this connection"
            throw Self.lockBusyError(busy, name: name, now: env.now())
        }
    }

    /// A refresh that waited too long for another one: who holds the lock, for how long, and what to do.
    static func lockBusyError(_ busy: SchemeLock.Busy, name: String, now: Date) -> AcquisitionError {
        guard let holder = busy.holder else {
            return AcquisitionError(.busy, "Another Switchboard process has held the refresh lock of `\(name)` for over \(Int(busy.waited.seconds.rounded())) s.",
                                    remedy: .advice("Try again in a minute; if it stays stuck, end the other `switchboard` processes (`pgrep -a switchboard` lists them)."))
        }
        let held = max(Int(now.timeIntervalSince(holder.since).rounded()), Int(busy.waited.seconds.rounded()))
        if holder.pid == ProcessInfo.processInfo.processIdentifier {
            return AcquisitionError(.busy, "Another refresh in this process has been refreshing `\(name)` for \(held) s.",
                                    remedy: .advice("Try again in a minute."))
        }
        return AcquisitionError(.busy, "Another Switchboard process (pid \(holder.pid)) has been refreshing `\(name)` for \(held) s.",
                                remedy: .advice("Try again in a minute; if it stays stuck, end that process (`kill \(holder.pid)`) and try again."))
    }

    private func refreshUnderLock(schemeID: String, force: Bool, rejected: String?) async throws -> TokenSet {
        try await SchemeLock.withLock(directory: env.locksDirectory, schemeID: schemeID, time: env.time, wait: env.lockWait) {
            // Re-read under the lock: another process may have refreshed (and rotated) meanwhile.
            let secrets = try loadSecrets(schemeID)
            guard let tokens = secrets.tokens else {
                cache[schemeID] = nil
                throw notSignedIn(schemeID)
            }
            let now = env.now()
            let adoptable = rejected.map { tokens.accessToken != $0 } ?? (!force && cache[schemeID]?.accessToken != tokens.accessToken)
            if Freshness.isFresh(tokens, now: now), !force || adoptable {
                cache[schemeID] = tokens
                return tokens
            }
            // Another process refreshed while this one waited for the lock: the floor holds across processes.
            if !force, tokens.refreshToken != nil, now < Freshness.earliestRefresh(tokens), tokens.accessToken != cache[schemeID]?.accessToken {
                cache[schemeID] = tokens
                if Freshness.isUsable(tokens, now: now) { return tokens }
                throw RefreshFloor(until: Freshness.earliestRefresh(tokens))
            }
            guard let refreshToken = tokens.refreshToken else {
                if let exp = tokens.expiresAt, exp > now, !force {
                    cache[schemeID] = tokens
                    return tokens
                }
                try await expire(schemeID, reason: "The token expired and the server issued no refresh token.", dropTokens: true)
                throw AcquisitionError(.needsReconnect, "The token expired and cannot be refreshed.",
                                       remedy: (try? self.scheme(schemeID)).map { .reconnect(connection: $0.0.name) } ?? .advice("Sign in to this connection again."))
            }
            let (connection, scheme) = try self.scheme(schemeID)
            var registration = secrets.registrations[tokens.issuer]
                ?? ClientRegistration(issuer: tokens.issuer, clientID: tokens.clientID, authMethod: "none", redirectURI: "", registeredAt: now)
            if scheme.kind == .oauthManual, let secret = secrets.manualClientSecret {
                try Self.checkSecretIssuer(secrets, issuer: tokens.issuer, name: connection.name)
                registration.clientSecret = secret
                if registration.authMethod == "none" { registration.authMethod = TokenEndpointAuth.methodForSecret(true, supported: nil) }
            }
            // The screen of this process hears it; the file keeps `connected` (a refresh takes a moment).
            broadcast(schemeID, .refreshing)
            guard let endpoint = URL(string: tokens.tokenEndpoint) else {
                throw AcquisitionError(.storage, "The stored token endpoint is not a URL.", remedy: .reconnect(connection: connection.name))
            }
            let grant: TokenClient.Grant
            let started = ContinuousClock.now
            do {
                grant = try await TokenClient(http: env.http).refresh(refreshToken, resource: tokens.resource,
                                                                      registration: registration, endpoint: endpoint)
            } catch let error as TokenClient.Failure {
                switch error {
                case .rejected(let code, let detail):
                    // A refusal may mean the resource now trusts another authorization server (SEP-2352):
                    // then say so, and never take the old client there.
                    if let moved = await movedAuthorizationServer(schemeID: schemeID, challenge: nil) {
                        await markMoved(schemeID: schemeID, to: moved)
                        throw Self.movedError(try self.scheme(schemeID).0.name, to: moved)
                    }
                    try await expire(schemeID, reason: "The server refused the refresh (\(detail)).", dropTokens: true,
                               dropRegistration: code == "invalid_client" ? tokens.issuer : nil)
                    throw AcquisitionError(.needsReconnect, "The server refused to refresh the token (\(code)).", remedy: .reconnect(connection: connection.name))
                case .transient(let detail, _), .invalid(let detail):
                    // Keep the status; the scheduler retries with backoff.
                    let message = "Refresh failed: \(detail)."
                    // The scheduler of this process tries again after its backoff; without one, the next use does.
                    // Counted from the failure, as the scheduler counts it (not from when the refresh began: a
                    // refresh can take long, and the clock moves meanwhile).
                    // The backoff is the schedule's, in the file: every process's scheduler (and every display) keeps it.
                    let failedAt = env.now()
                    let failures = min(64, (scheme.info.refreshFailures ?? 0) + 1)
                    let retryAt = RefreshPolicy.retry(after: failures, now: failedAt, expiresAt: tokens.expiresAt)
                    let retry = scheduler == nil ? nil : retryAt
                    note(.refreshFailed, schemeID, connection: connection.name) { $0.reason = detail; $0.willRetry = true; $0.retryAt = retry }
                    await publish(schemeID, .connected(expiresAt: tokens.expiresAt),
                                  .failed(AcquisitionError(.network, message, remedy: .advice("Switchboard will retry."))), info: { info in
                        info.lastRefreshAt = now
                        info.lastRefreshResult = "failed"
                        info.lastError = message
                        info.refreshFailures = failures
                        info.retryAt = retryAt
                        info.renewable = true
                    })
                    var advice: String?
                    if case .transient(_, let given) = error { advice = given }
                    // Only a process with a scheduler retries by itself; a `token` caller is told to try again.
                    guard scheduler != nil else { throw AcquisitionError(.network, message, remedy: .advice(advice ?? "Check the network and try again.")) }
                    throw AcquisitionError(.network, message, remedy: .advice(advice.map { "Switchboard will retry. \($0)" } ?? "Switchboard will retry; check the network."))
                }
            } catch {
                throw error
            }
            let fresh = TokenSet(accessToken: grant.accessToken, refreshToken: grant.refreshToken ?? refreshToken,
                                 expiresAt: grant.expiresIn.map { now.addingTimeInterval($0) },
                                 scopes: grant.scope ?? tokens.scopes, resource: tokens.resource, issuer: tokens.issuer,
                                 clientID: tokens.clientID, tokenEndpoint: tokens.tokenEndpoint,
                                 revocationEndpoint: tokens.revocationEndpoint, obtainedAt: now)
            // Durable before use: a rotated refresh token must survive a crash right after this. Concurrent
            // refreshes share one journal append and fdatasync (group commit).
            do {
                try await env.secrets.commitScheme(schemeID) { $0.tokens = fresh }
            } catch {
                throw AcquisitionError(.storage, "Could not save the refreshed token: \(error)", remedy: .advice("Check the permissions of the Switchboard home."))
            }
            cache[schemeID] = fresh
            forgetSchedule(schemeID)
            let took = started.duration(to: .now)
            let rotated = grant.refreshToken.map { $0 != refreshToken } ?? false
            note(.refreshed, schemeID, connection: connection.name) {
                $0.milliseconds = Int(took.seconds * 1000)
                $0.rotated = rotated
                $0.expiresAt = fresh.expiresAt
            }
            // Among many refreshes (a storm) the status is only queued; the last one waits for all.
            let alone = refreshes.count <= 1
            await publish(schemeID, .connected(expiresAt: fresh.expiresAt), .refreshed(expiresAt: fresh.expiresAt), batched: !alone, info: { info in
                info.lastRefreshAt = now
                info.lastRefreshResult = "ok"
                info.lastRefreshRotated = rotated
                info.lastError = nil
                info.grantedScopes = Redact.serverList(fresh.scopes)
                info.tokenLifetime = Freshness.lifetime(fresh)
                info.renewable = true
                info.refreshFailures = nil
                info.retryAt = nil
                // Too-short tokens in a row space the schedule out (`RefreshPolicy.due`); a usual one ends the streak.
                info.shortStreak = RefreshPolicy.isTooShort(info.tokenLifetime) ? min(64, (info.shortStreak ?? 1) + 1) : nil
            })
            return fresh
        }
    }

    func expire(_ schemeID: String, reason: String, dropTokens: Bool, dropRegistration issuer: String? = nil) async throws {
        cache[schemeID] = nil
        forgetSchedule(schemeID)
        if dropTokens || issuer != nil {
            try? env.secrets.updateScheme(schemeID) { entry in
                if dropTokens { entry.tokens = nil }
                if let issuer { entry.registrations[issuer] = nil }
            }
        }
        note(.expired, schemeID) { $0.reason = reason }
        await publish(schemeID, .expired(reason: reason, since: env.now()), .expired(reason: reason), info: { info in
            info.lastError = reason
            info.refreshFailures = nil
            info.retryAt = nil
            info.shortStreak = nil
        })
    }
}
