import Acquisition
import Foundation
import SwitchboardCore
import SwitchboardFixtures
import SwitchboardTestSupport
import Testing

@Suite struct RefreshTests {
    @Test func freshTokenComesFromTheCacheWithoutNetwork() async throws {
        let h = try await Harness.make()
        defer { Task { await h.shutdown() } }
        let id = try h.add()
        _ = await h.connect(id)
        let before = h.fixture.counters.requests.count
        let a = try await h.actor.validToken(for: id)
        let b = try await h.actor.validToken(for: id)
        #expect(a == b)
        #expect(h.fixture.counters.requests.count == before)
    }

    @Test func expiredTokenIsRefreshedKeepingResourceScopesAndRotation() async throws {
        let h = try await Harness.make(FixtureOptions { $0.accessTokenLifetime = 2; $0.rotateRefreshTokens = true })
        defer { Task { await h.shutdown() } }
        let id = try h.add()
        _ = await h.connect(id)
        let old = try h.secrets(id).tokens!
        try await Task.sleep(for: .milliseconds(1600))
        let token = try await h.actor.validToken(for: id)
        #expect(token != old.accessToken)
        #expect(h.fixture.accepts(token))
        let new = try h.secrets(id).tokens!
        #expect(new.refreshToken != old.refreshToken, "the rotated refresh token was stored")
        #expect(new.resource == old.resource)
        #expect(new.scopes == old.scopes)
        #expect(h.fixture.counters.lastTokenForm["resource"] == old.resource)
        #expect(h.fixture.counters.refreshTokenReuse == 0)
        guard case .connected = try h.status(id) else { Issue.record("status"); return }
    }

    @Test func oldRefreshTokenIsKeptWhenNoneIsReturned() async throws {
        let h = try await Harness.make(FixtureOptions { $0.accessTokenLifetime = 2 })
        defer { Task { await h.shutdown() } }
        let id = try h.add()
        _ = await h.connect(id)
        let rt = try h.secrets(id).tokens!.refreshToken
        try await h.actor.refresh(schemeID: id, force: true)
        #expect(try h.secrets(id).tokens!.refreshToken == rt)
        try await h.actor.refresh(schemeID: id, force: true)
        #expect(h.fixture.counters.refreshes == 2)
    }

    @Test func concurrentCallersShareOneRefresh() async throws {
        let h = try await Harness.make(FixtureOptions { $0.accessTokenLifetime = 1; $0.rotateRefreshTokens = true })
        defer { Task { await h.shutdown() } }
        let id = try h.add()
        _ = await h.connect(id)
        try await Task.sleep(for: .milliseconds(1100))
        let tokens = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<20 { group.addTask { try await h.actor.validToken(for: id) } }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(tokens.count == 1)
        #expect(h.fixture.counters.refreshes == 1)
    }

    @Test func refreshFailureFlipsToExpired() async throws {
        let h = try await Harness.make(FixtureOptions { $0.accessTokenLifetime = 1; $0.refreshFails = true })
        defer { Task { await h.shutdown() } }
        let id = try h.add()
        _ = await h.connect(id)
        try await Task.sleep(for: .milliseconds(1100))
        await #expect { try await h.actor.validToken(for: id) } throws: { ($0 as? AcquisitionError)?.needsReconnect == true }
        guard case .expired(let reason, _) = try h.status(id) else { Issue.record("not expired: \(try h.status(id))"); return }
        #expect(reason.contains("invalid_grant"))
        #expect(try h.secrets(id).tokens == nil)
        #expect(try h.secrets(id).registrations.count == 1, "the registration is kept for Reconnect")
    }

    @Test func withoutRefreshTokenAnExpiredTokenIsNeverReturned() async throws {
        let h = try await Harness.make(FixtureOptions { $0.accessTokenLifetime = 1; $0.issueRefreshTokens = false })
        defer { Task { await h.shutdown() } }
        let id = try h.add()
        _ = await h.connect(id)
        #expect(try h.secrets(id).tokens?.refreshToken == nil)
        try await Task.sleep(for: .milliseconds(1100))
        await #expect { try await h.actor.validToken(for: id) } throws: { ($0 as? AcquisitionError)?.needsReconnect == true }
        guard case .expired = try h.status(id) else { Issue.record("not expired"); return }
    }

    @Test func schedulerRefreshesBeforeExpiryAndReportsIt() async throws {
        let h = try await Harness.make(FixtureOptions { $0.accessTokenLifetime = 4 })
        defer { Task { await h.shutdown() } }
        let id = try h.add()
        let updates = await h.actor.updates()
        _ = await h.connect(id)
        await h.actor.startScheduler()
        var seen: [AcquisitionEvent] = []
        for await u in updates where u.schemeID == id {
            seen.append(u.event)
            if case .refreshed = u.event { break }
        }
        #expect(seen.contains(.refreshing))
        guard case .connected(let exp?) = try h.status(id) else { Issue.record("status"); return }
        #expect(exp.timeIntervalSinceNow > 2)
    }

    @Test func schedulerExpiresTokensThatCannotBeRefreshed() async throws {
        let h = try await Harness.make(FixtureOptions { $0.accessTokenLifetime = 1; $0.issueRefreshTokens = false })
        defer { Task { await h.shutdown() } }
        let id = try h.add()
        let updates = await h.actor.updates()
        _ = await h.connect(id)
        await h.actor.startScheduler()
        for await u in updates where u.schemeID == id {
            if case .expired = u.event { break }
        }
        guard case .expired = try h.status(id) else { Issue.record("status"); return }
    }

    @Test func disconnectRevokesRefreshTokenFirstAndKeepsTheRegistration() async throws {
        let h = try await Harness.make(FixtureOptions { $0.revocation = true })
        defer { Task { await h.shutdown() } }
        let id = try h.add()
        _ = await h.connect(id)
        let token = try await h.actor.validToken(for: id)
        let events = await h.disconnect(id)
        #expect(events.first == .revoking)
        #expect(events.last == .disconnected(revoked: true))
        #expect(h.fixture.counters.revocations == ["refresh_token", "access_token"])
        #expect(!h.fixture.accepts(token))
        #expect(try h.secrets(id).tokens == nil)
        #expect(try h.secrets(id).registrations.count == 1)
        #expect(try h.status(id) == .notConnected)
        await #expect { try await h.actor.validToken(for: id) } throws: { ($0 as? AcquisitionError)?.needsReconnect == true }
    }

    @Test func disconnectWithoutRevocationStillDeletes() async throws {
        let h = try await Harness.make()
        defer { Task { await h.shutdown() } }
        let id = try h.add()
        _ = await h.connect(id)
        #expect(await h.disconnect(id) == [.disconnected(revoked: false)])
        #expect(try h.secrets(id).tokens == nil)
    }

    @Test func twoEnginesOnOneHomeNeverUseARotatedTokenTwice() async throws {
        // Two engines stand for two processes: separate caches, shared files and locks.
        let h = try await Harness.make(FixtureOptions { $0.accessTokenLifetime = 2; $0.rotateRefreshTokens = true })
        defer { Task { await h.shutdown() } }
        let id = try h.add()
        _ = await h.connect(id)
        let other = AcquisitionActor(environment: AcquisitionEnvironment(
            http: h.http, browser: NoBrowser(), integrations: IntegrationStore(home: h.home),
            secrets: SecretStore(home: h.home, encryption: .disabled, warn: { _ in })))
        for _ in 0..<3 {
            try await Task.sleep(for: .milliseconds(1050))
            async let a = h.actor.validToken(for: id)
            async let b = other.validToken(for: id)
            let (x, y) = try await (a, b)
            // Issued and not revoked (a loaded machine may let a 2-second token expire before we look).
            #expect(h.fixture.issued(x) && h.fixture.issued(y))
        }
        #expect(h.fixture.counters.refreshTokenReuse == 0)
        // Usually one refresh per round, shared by both engines; a slow machine may let the second engine find the
        // new token already due again. What must never happen is a reused refresh token.
        #expect((3...6).contains(h.fixture.counters.refreshes))
    }
}
