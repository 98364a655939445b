@testable import Acquisition
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
            // Past three quarters of the 2-second token's life: due for a refresh.
            try await Task.sleep(for: .milliseconds(1600))
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

/// The per-scheme refresh lock is a store file too: never opened through a link.
@Suite struct SchemeLockFileTests {
    /// One file holds every scheme's lock: a scheme's second holder waits for the first (even in the same
    /// process, through another descriptor), while another scheme's holder does not.
    @Test func aSchemesLockExcludesOnlyThatScheme() async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let dir = tmp.url.appendingPathComponent("locks")
        actor Log { var lines: [String] = []; func add(_ s: String) { lines.append(s) } }
        let log = Log()
        let (held, holding) = AsyncStream.makeStream(of: Void.self)
        let first = Task {
            try await SchemeLock.withLock(directory: dir, schemeID: "scheme-a") {
                holding.yield()
                try await Task.sleep(for: .milliseconds(300))
                await log.add("a1 done")
            }
        }
        for await _ in held { break }
        try await SchemeLock.withLock(directory: dir, schemeID: "scheme-b") { await log.add("b") }
        try await SchemeLock.withLock(directory: dir, schemeID: "scheme-a") { await log.add("a2") }
        try await first.value
        #expect(await log.lines == ["b", "a1 done", "a2"])
        #expect(SchemeLock.byte(for: "scheme-a") != SchemeLock.byte(for: "scheme-b"))
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        #expect(names == ["schemes.lock"])
        var st = stat()
        #expect(stat(dir.appendingPathComponent("schemes.lock").path, &st) == 0 && st.st_mode & 0o777 == 0o600)
    }

    @Test func aSymlinkedSchemeLockIsRefusedAndItsTargetUntouched() async throws {
        let h = try await Harness.make(FixtureOptions { $0.accessTokenLifetime = 1 })
        defer { Task { await h.shutdown() } }
        let id = try h.add()
        _ = await h.connect(id)
        let locks = h.home.directory.appendingPathComponent("locks")
        try FileManager.default.createDirectory(at: locks, withIntermediateDirectories: true)
        let lock = locks.appendingPathComponent("schemes.lock")
        try? FileManager.default.removeItem(at: lock)
        let victim = h.home.directory.appendingPathComponent("victim")
        try FileManager.default.createSymbolicLink(at: lock, withDestinationURL: victim)
        await #expect { try await h.actor.refresh(schemeID: id, force: true) } throws: { "\($0)".contains("symbolic link") }
        #expect(!FileManager.default.fileExists(atPath: victim.path), "the link's target was created")
    }
}

/// A server issuing 1-second tokens: the open screen's scheduler and programs asking for tokens stay polite.
@Suite struct PoliteRefreshTests {
    @Test func theSchedulerSpacesRefreshesOfShortLivedTokens() async throws {
        let h = try await Harness.make(FixtureOptions { $0.accessTokenLifetime = 1 })
        defer { Task { await h.shutdown() } }
        let id = try h.add()
        _ = await h.connect(id)
        await h.actor.startScheduler()
        // Before: the token was never "fresh" (a one-second margin on a one-second token), so the scheduler
        // refreshed in a loop, over a hundred times a second. Now the first refresh waits for the floor.
        try await Task.sleep(for: .milliseconds(2500))
        await h.actor.stopScheduler()
        #expect(h.fixture.counters.refreshes == 0, "the scheduler refreshed \(h.fixture.counters.refreshes) times in 2.5 s")
        // The floor doubles while tokens stay short, up to five minutes.
        #expect(Freshness.floor(streak: 1) == 5 && Freshness.floor(streak: 2) == 10 && Freshness.floor(streak: 20) == 300)
        // The person is told why.
        let scheme = try #require(try h.integrations.connections.load().connections.first?.primaryScheme)
        #expect(StatusText.shortLifetimeNote(scheme.info.tokenLifetime)?.contains("last only 1 s") == true)
        #expect(StatusText.shortLifetimeNote(3600) == nil)
    }

    @Test func programsAskingForTokensRefreshAtMostOncePerTokenLife() async throws {
        let h = try await Harness.make(FixtureOptions { $0.accessTokenLifetime = 1 })
        defer { Task { await h.shutdown() } }
        let id = try h.add()
        _ = await h.connect(id)
        // 400 requests for a token over about two seconds, ten at a time.
        let start = Date()
        for _ in 0..<40 {
            try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<10 { group.addTask { try await h.actor.validToken(for: id) } }
                for try await token in group { #expect(!token.isEmpty) }
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        let elapsed = Date().timeIntervalSince(start)
        // Each refresh gives a token that is fresh for three quarters of its second: at most about
        // 1.4 refreshes a second (before: one per request, as the margin never let a token be fresh).
        #expect(Double(h.fixture.counters.refreshes) <= elapsed / 0.75 + 1, "\(h.fixture.counters.refreshes) refreshes in \(elapsed) s")
    }
}
