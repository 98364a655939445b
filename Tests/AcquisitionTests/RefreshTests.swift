@testable import Acquisition
import EngineTestSupport
import Foundation
import SwitchboardCore
import SwitchboardFixtures
import SwitchboardTestSupport
import SwitchboardWiring
import Testing

@Suite struct RefreshTests {
    @Test func freshTokenComesFromTheCacheWithoutNetwork() async throws {
        try await withHarness(Harness.make()) { h in
            let id = try h.add()
            _ = await h.connect(id)
            let before = h.fixture.counters.requests.count
            let a = try await h.actor.validToken(for: id)
            let b = try await h.actor.validToken(for: id)
            #expect(a == b)
            #expect(h.fixture.counters.requests.count == before)
        }
    }

    @Test func expiredTokenIsRefreshedKeepingResourceScopesAndRotation() async throws {
        let time = TestTime()
        try await withHarness(Harness.make(FixtureOptions { $0.accessTokenLifetime = 8; $0.rotateRefreshTokens = true }, time: time.source)) { h in
            let id = try h.add()
            _ = await h.connect(id)
            let old = try h.secrets(id).tokens!
            // Past three quarters of the 8-second token's life (and past the refresh floor), not yet expired.
            await time.advance(by: .milliseconds(6500))
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
    }

    /// A server may say a token lives a thousandth of a second. On demand, as in the scheduler, a token is
    /// not refreshed again within `RefreshPolicy.floor` of being obtained: until it expires it is handed out
    /// (the margin waived), and once expired the caller waits out the floor; an expired token is never handed out.
    @Test func onDemandRefreshKeepsTheSchedulersFloor() async throws {
        let time = TestTime()
        try await withHarness(Harness.make(FixtureOptions { $0.accessTokenLifetime = 0.001 }, time: time.source)) { h in
            let id = try h.add()
            #expect(await h.connect(id).connected)
            let issued = try #require(try h.secrets(id).tokens)
            // Past the refresh margin, not yet expired: the same token, no refresh.
            await time.advance(by: .microseconds(900))
            #expect(try await h.actor.validToken(for: id) == issued.accessToken)
            #expect(h.fixture.counters.refreshes == 0, "refreshed within the floor")
            // Expired: the call waits until the floor has passed since the token was obtained, then refreshes once.
            await time.advance(by: .microseconds(200))
            let call = Task { try await h.actor.validToken(for: id) }
            await time.advance(by: .milliseconds(4990))
            #expect(h.fixture.counters.refreshes == 0, "refreshed within the floor")
            await time.advance(by: .milliseconds(20))
            let token = try await call.value
            let fresh = try #require(try h.secrets(id).tokens)
            // Not the expired token: the one the refresh brought.
            #expect(token == fresh.accessToken && token != issued.accessToken)
            #expect(h.fixture.counters.refreshes == 1)
            #expect(fresh.obtainedAt.timeIntervalSince(issued.obtainedAt) >= RefreshPolicy.floor)
        }
    }

    @Test func oldRefreshTokenIsKeptWhenNoneIsReturned() async throws {
        try await withHarness(Harness.make(FixtureOptions { $0.accessTokenLifetime = 2 })) { h in
            let id = try h.add()
            _ = await h.connect(id)
            let rt = try h.secrets(id).tokens!.refreshToken
            try await h.actor.refresh(schemeID: id, force: true)
            #expect(try h.secrets(id).tokens!.refreshToken == rt)
            try await h.actor.refresh(schemeID: id, force: true)
            #expect(h.fixture.counters.refreshes == 2)
        }
    }

    @Test func concurrentCallersShareOneRefresh() async throws {
        let time = TestTime()
        try await withHarness(Harness.make(FixtureOptions { $0.accessTokenLifetime = 1; $0.rotateRefreshTokens = true }, time: time.source)) { h in
            let id = try h.add()
            _ = await h.connect(id)
            // Expired, and past the refresh floor.
            await time.advance(by: .milliseconds(5100))
            let tokens = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<20 { group.addTask { try await h.actor.validToken(for: id) } }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
            #expect(tokens.count == 1)
            #expect(h.fixture.counters.refreshes == 1)
        }
    }

    @Test func refreshFailureFlipsToExpired() async throws {
        let time = TestTime()
        try await withHarness(Harness.make(FixtureOptions { $0.accessTokenLifetime = 1; $0.refreshFails = true }, time: time.source)) { h in
            let id = try h.add()
            _ = await h.connect(id)
            await time.advance(by: .milliseconds(5100))
            await #expect { try await h.actor.validToken(for: id) } throws: { ($0 as? AcquisitionError)?.needsReconnect == true }
            guard case .expired(let reason, _) = try h.status(id) else { Issue.record("not expired: \(try h.status(id))"); return }
            #expect(reason.contains("invalid_grant"))
            #expect(try h.secrets(id).tokens == nil)
            #expect(try h.secrets(id).registrations.count == 1, "the registration is kept for Reconnect")
        }
    }

    @Test func withoutRefreshTokenAnExpiredTokenIsNeverReturned() async throws {
        let time = TestTime()
        try await withHarness(Harness.make(FixtureOptions { $0.accessTokenLifetime = 1; $0.issueRefreshTokens = false }, time: time.source)) { h in
            let id = try h.add()
            _ = await h.connect(id)
            #expect(try h.secrets(id).tokens?.refreshToken == nil)
            await time.advance(by: .milliseconds(1100))
            await #expect { try await h.actor.validToken(for: id) } throws: { ($0 as? AcquisitionError)?.needsReconnect == true }
            guard case .expired = try h.status(id) else { Issue.record("not expired"); return }
        }
    }

    @Test func schedulerRefreshesBeforeExpiryAndReportsIt() async throws {
        let time = TestTime()
        try await withHarness(Harness.make(FixtureOptions { $0.accessTokenLifetime = 4 }, time: time.source)) { h in
            let id = try h.add()
            let updates = await h.actor.updates()
            _ = await h.connect(id)
            guard case .connected(let first?) = try h.status(id) else { Issue.record("status"); return }
            await h.actor.startScheduler()
            let advancing = time.keepAdvancing(by: .seconds(1))
            defer { advancing.cancel() }
            var seen: [AcquisitionEvent] = []
            for await u in updates where u.schemeID == id {
                seen.append(u.event)
                if case .refreshed = u.event { break }
            }
            #expect(seen.contains(.refreshing))
            guard case .connected(let exp?) = try h.status(id) else { Issue.record("status"); return }
            #expect(exp > first, "the new token expires later")
        }
    }

    @Test func schedulerExpiresTokensThatCannotBeRefreshed() async throws {
        let time = TestTime()
        try await withHarness(Harness.make(FixtureOptions { $0.accessTokenLifetime = 1; $0.issueRefreshTokens = false }, time: time.source)) { h in
            let id = try h.add()
            let updates = await h.actor.updates()
            _ = await h.connect(id)
            await h.actor.startScheduler()
            let advancing = time.keepAdvancing(by: .milliseconds(500))
            defer { advancing.cancel() }
            for await u in updates where u.schemeID == id {
                if case .expired = u.event { break }
            }
            guard case .expired = try h.status(id) else { Issue.record("status"); return }
        }
    }

    @Test func disconnectRevokesRefreshTokenFirstAndKeepsTheRegistration() async throws {
        try await withHarness(Harness.make(FixtureOptions { $0.revocation = true })) { h in
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
    }

    @Test func disconnectWithoutRevocationStillDeletes() async throws {
        try await withHarness(Harness.make()) { h in
            let id = try h.add()
            _ = await h.connect(id)
            #expect(await h.disconnect(id) == [.disconnected(revoked: false)])
            #expect(try h.secrets(id).tokens == nil)
        }
    }

    @Test func twoEnginesOnOneHomeNeverUseARotatedTokenTwice() async throws {
        // Two engines stand for two processes: separate caches, shared files and locks.
        let time = TestTime()
        try await withHarness(Harness.make(FixtureOptions { $0.accessTokenLifetime = 8; $0.rotateRefreshTokens = true }, time: time.source)) { h in
            let id = try h.add()
            _ = await h.connect(id)
            try await withEngine(Wiring(home: h.home, options: WiringOptions {
                $0.browser = NoBrowser()
                $0.encryption = .disabled
                $0.time = time.source
                $0.http.proxy = ProxySettings(server: nil, noProxy: [])
            })) { other in
                for _ in 0..<3 {
                    // Past three quarters of the 8-second token's life and the refresh floor (even if the last round's
                    // polling moved the clock on by its 0.1 s before that token was issued): due for a refresh.
                    await time.advance(by: .milliseconds(6500))
                    // The engine that waits for the other's lock polls on the clock: let it move a little meanwhile.
                    let polling = time.keepAdvancing(by: .milliseconds(1), steps: 100)
                    async let a = h.actor.validToken(for: id)
                    async let b = other.actor.validToken(for: id)
                    let (x, y) = try await (a, b)
                    // Stopped before the next round moves the clock (two advances at once would lose one).
                    polling.cancel()
                    await polling.value
                    // Issued and not revoked.
                    #expect(h.fixture.issued(x) && h.fixture.issued(y))
                }
                #expect(h.fixture.counters.refreshTokenReuse == 0)
                // One refresh per round, shared by both engines (time stands still while they race).
                #expect(h.fixture.counters.refreshes == 3)
            }
        }
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
        let (released, release) = AsyncStream.makeStream(of: Void.self)
        // Waiting for a lock polls on the clock: here one whose sleeps return at once.
        let time = immediateTime()
        let first = Task {
            try await SchemeLock.withLock(directory: dir, schemeID: "scheme-a", time: time) {
                holding.yield()
                for await _ in released { break }
                await log.add("a1 done")
            }
        }
        for await _ in held { break }
        try await SchemeLock.withLock(directory: dir, schemeID: "scheme-b", time: time) { await log.add("b") }
        let second = Task { try await SchemeLock.withLock(directory: dir, schemeID: "scheme-a", time: time) { await log.add("a2") } }
        release.yield()
        try await first.value
        try await second.value
        #expect(await log.lines == ["b", "a1 done", "a2"])
        #expect(SchemeLock.byte(for: "scheme-a") != SchemeLock.byte(for: "scheme-b"))
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        #expect(names == ["schemes.lock"])
        var st = stat()
        #expect(stat(dir.appendingPathComponent("schemes.lock").path, &st) == 0 && st.st_mode & 0o777 == 0o600)
    }

    @Test func aSymlinkedSchemeLockIsRefusedAndItsTargetUntouched() async throws {
        try await withHarness(Harness.make(FixtureOptions { $0.accessTokenLifetime = 1 })) { h in
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
}
