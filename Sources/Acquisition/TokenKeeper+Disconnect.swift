import Foundation
import SwitchboardCore

extension TokenKeeper {
    /// Revokes (best effort, refresh token first) and deletes the tokens; keeps the client registration.
    public func disconnect(schemeID: String) -> AsyncStream<AcquisitionEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: AcquisitionEvent.self)
        Task {
            let event = await self.runDisconnect(schemeID: schemeID) { continuation.yield($0) }
            // A failure is heard by the screens too (their Disconnect panel waited on "Disconnecting…" for good).
            if case .failed = event { await self.broadcast(schemeID, event) }
            continuation.yield(event)
            continuation.finish()
        }
        return stream
    }

    func runDisconnect(schemeID: String, emit: @Sendable (AcquisitionEvent) -> Void) async -> AcquisitionEvent {
        // A sign-in under way ends first (one past its token exchange would store tokens after the deletion).
        let flow = flows[schemeID]
        flow?.cancel()
        await flow?.value
        cache[schemeID] = nil
        // Under the scheme's lock, as every refresh is: a refresh in flight (here or in another process) ends
        // first, and its rotated tokens are the ones revoked and deleted; none writes tokens back afterwards.
        do {
            return try await SchemeLock.withLock(directory: env.locksDirectory, schemeID: schemeID, time: env.time, wait: env.lockWait) {
                await disconnectUnderLock(schemeID: schemeID, emit: emit)
            }
        } catch let busy as SchemeLock.Busy {
            let name = (try? scheme(schemeID).0.name) ?? "this connection"
            return .failed(Self.lockBusyError(busy, name: name, now: env.now()))
        } catch {
            return .failed(error as? AcquisitionError ?? AcquisitionError(.storage, "\(error)"))
        }
    }

    private func disconnectUnderLock(schemeID: String, emit: @Sendable (AcquisitionEvent) -> Void) async -> AcquisitionEvent {
        cache[schemeID] = nil
        let secrets: SchemeSecrets
        do { secrets = try loadSecrets(schemeID) } catch { return .failed(error as? AcquisitionError ?? AcquisitionError(.storage, "\(error)")) }
        var revoked = false
        if let tokens = secrets.tokens, let endpoint = tokens.revocationEndpoint.flatMap(URL.init(string:)),
           var registration = secrets.registrations[tokens.issuer] {
            // The person's secret only goes to the server it belongs to.
            if let secret = secrets.manualClientSecret, Self.secretMayGo(secrets, to: tokens.issuer) {
                registration.clientSecret = secret
            }
            emit(.revoking)
            broadcast(schemeID, .revoking)
            let client = TokenClient(http: env.http)
            var ok = true
            if let rt = tokens.refreshToken { ok = await client.revoke(rt, hint: "refresh_token", registration: registration, endpoint: endpoint) }
            ok = await client.revoke(tokens.accessToken, hint: "access_token", registration: registration, endpoint: endpoint) && ok
            revoked = ok
        }
        do {
            try env.secrets.updateScheme(schemeID) { $0.tokens = nil }
        } catch {
            return .failed(AcquisitionError(.storage, "Could not delete the tokens: \(error)"))
        }
        // A token handed out meanwhile (a `validToken` during the revocation) is not kept either.
        cache[schemeID] = nil
        forgetSchedule(schemeID)
        note(.disconnected, schemeID) { $0.revoked = revoked }
        // Nothing of the old session stays on show: its refresh, its schedule, its last test.
        let event = AcquisitionEvent.disconnected(revoked: revoked)
        await publish(schemeID, .notConnected, event, info: { info in info.forgetSession() })
        return event
    }
}
