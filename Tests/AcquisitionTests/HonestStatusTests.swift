@testable import Acquisition
import EngineTestSupport
import Foundation
import SwitchboardCore
import SwitchboardFixtures
import SwitchboardTestSupport
import SwitchboardWiring
import Testing

/// The status never lies: a token of usual length never lapses while its server answers, a lapsed token is never
/// shown connected, and the "next refresh" shown is the plan the scheduler runs.
@Suite struct HonestStatusTests {
    /// Seen on the real binary: 40-second tokens were refreshed up to 80 s apart (the short-token spacing doubled
    /// for them too) while the row said connected. Three minutes of the scheduler on a clock the test moves.
    @Test func aFortySecondTokenNeverLapsesWhileItsServerAnswers() async throws {
        let time = TestTime()
        try await withHarness(Harness.make(FixtureOptions { $0.accessTokenLifetime = 40; $0.rotateRefreshTokens = true }, time: time.source)) { h in
            let id = try h.add()
            #expect(await h.connect(id).connected)
            await h.actor.startScheduler()
            var lapsedAt: [Date] = []
            var shownNext: [Date] = []
            for _ in 0..<360 {
                await time.advance(by: .milliseconds(500))
                for _ in 0..<3 { await Task.yield() }
                var scheme = try #require(try h.integrations.connections.load().connections.first?.primaryScheme)
                // A refresh is a real exchange with the fixture: while one is due, the test's clock waits for it (real
                // time, at most 10 s) instead of running ahead of a busy machine.
                var waited = 0
                while let next = scheme.standing(at: time.now()).nextRefresh, next <= time.now(), waited < 500 {
                    try await Task.sleep(for: .milliseconds(20))
                    waited += 1
                    scheme = try #require(try h.integrations.connections.load().connections.first?.primaryScheme)
                }
                let standing = scheme.standing(at: time.now())
                if standing.lapse != .none { lapsedAt.append(time.now()) }
                if let next = standing.nextRefresh { shownNext.append(next) }
                // What the screen shows is the scheduler's plan: never "due" for longer than a refresh takes.
                if let next = standing.nextRefresh { #expect(time.now().timeIntervalSince(next) < 3, "shown due \(time.now().timeIntervalSince(next)) s ago and not refreshed") }
            }
            await h.actor.stopScheduler()
            #expect(lapsedAt.isEmpty, "the token lapsed \(lapsedAt.count) times in 3 minutes")
            // A quarter of 40 s before each expiry: about every 30 s, six times in three minutes (not 5, 10, 20, 40, 80 s apart).
            #expect((5...7).contains(h.fixture.counters.refreshes), "\(h.fixture.counters.refreshes) refreshes in 3 minutes")
            #expect(h.fixture.counters.refreshTokenReuse == 0)
            let scheme = try #require(try h.integrations.connections.load().connections.first?.primaryScheme)
            #expect(scheme.info.shortStreak == nil, "40 s tokens are short, not too short to renew in time")
            #expect(StatusText.shortLifetimeTag(40) == "short 40 s tokens: renewed every 30 s")
        }
    }

    /// The server goes down; the token expires while renewals fail: the status says so, needs the person, and
    /// `status --json` agrees (it said `connected`, `needsAttention: false`).
    @Test func aTokenThatLapsesWhileItsServerIsDownIsShownExpired() async throws {
        let time = TestTime()
        try await withHarness(Harness.make(FixtureOptions { $0.accessTokenLifetime = 40 }, time: time.source)) { h in
            let id = try h.add()
            #expect(await h.connect(id).connected)
            h.fixture.setRefreshUnavailable(true)
            await h.actor.startScheduler()
            for _ in 0..<120 {
                await time.advance(by: .milliseconds(500))
                for _ in 0..<3 { await Task.yield() }
            }
            await h.actor.stopScheduler()
            let scheme = try #require(try h.integrations.connections.load().connections.first?.primaryScheme)
            let now = time.now()
            let standing = scheme.standing(at: now)
            guard case .renewalFailing(let retryAt?) = standing.lapse else { Issue.record("lapse: \(standing.lapse)"); return }
            #expect(retryAt > now.addingTimeInterval(-1), "the retry shown is ahead, not behind")
            #expect(standing.needsAttention && standing.badge(kind: scheme.kind) == "✕ expired")
            #expect(standing.timing(now: now).hasSuffix("ago, renewal failing"))
            #expect(h.fixture.counters.refreshes >= 2, "retried before the token lapsed: \(h.fixture.counters.refreshes)")
            let rows = try JSONCoding.decoder().decode([StatusRow].self, from: h.integrations.connections.statusJSON(now: now))
            #expect(rows.first?.state == .expired && rows.first?.needsAttention == true, "\(rows)")
            #expect(ConnectionsFile.summary(try h.integrations.connections.load().connections).attention(at: now) == 1)
            // The server comes back: the next try renews it, and the row is connected again.
            h.fixture.setRefreshUnavailable(false)
            _ = try await h.actor.validToken(for: id)
            let back = try #require(try h.integrations.connections.load().connections.first?.primaryScheme)
            #expect(back.standing(at: time.now()).lapse == .none && back.info.refreshFailures == nil)
        }
    }

    /// No refresh token (`once` in the demo): said from the start, and once it lapses the row says sign in.
    @Test func aTokenWithoutRefreshTokenSaysItWillNeedASignIn() async throws {
        let time = TestTime()
        try await withHarness(Harness.make(FixtureOptions { $0.accessTokenLifetime = 60; $0.issueRefreshTokens = false }, time: time.source)) { h in
            let id = try h.add()
            #expect(await h.connect(id).connected)
            var scheme = try #require(try h.integrations.connections.load().connections.first?.primaryScheme)
            let c = try #require(try h.integrations.connections.load().connections.first)
            #expect(scheme.info.renewable == false)
            let standing = scheme.standing(at: time.now())
            #expect(standing.endsAtExpiry && standing.nextRefresh == nil)
            #expect(standing.timing(now: time.now()).hasSuffix(", then sign in"))
            let facts = ConnectionFacts.facts(c, scheme, now: time.now(), timeZone: .gmt, remedy: \.sentence)
            #expect(facts.contains { $0.label == "renewal" && $0.value.contains("no refresh token") })
            #expect(!facts.contains { $0.label == "refresh" }, "no 'next in 20s' for a token that is never refreshed")
            // An hour later, without a scheduler to flip the file: the row still tells the truth.
            scheme = try #require(try h.integrations.connections.load().connections.first?.primaryScheme)
            let later = time.now().addingTimeInterval(3600)
            #expect(scheme.standing(at: later).lapse == .needsSignIn && scheme.standing(at: later).needsSignIn)
            #expect(scheme.standing(at: later).badge(kind: scheme.kind) == "✕ expired")
        }
    }

    /// The rule itself: above the floor, the plan is before expiry whatever the streak; too-short tokens space out.
    @Test func thePlanIsBeforeExpiryForEveryTokenAboveTheFloor() {
        let exp = Date(timeIntervalSince1970: 2_000_000_000)
        for life in [5.5, 6, 10, 40, 59, 60, 300, 3600, 86400] {
            for streak in [0, 1, 5, 64] {
                let due = RefreshPolicy.due(expiresAt: exp, lifetime: life, shortStreak: streak)
                #expect(due < exp && due >= exp.addingTimeInterval(-life + RefreshPolicy.floor), "life \(life) streak \(streak): \(exp.timeIntervalSince(due))")
            }
        }
        let obtained = exp.addingTimeInterval(-1)
        #expect(RefreshPolicy.due(expiresAt: exp, lifetime: 1, shortStreak: 3) == obtained.addingTimeInterval(20))
        // A failure's retry never waits past a valid token's expiry when there is time for one more try.
        let now = exp.addingTimeInterval(-30)
        #expect(RefreshPolicy.retry(after: 10, now: now, expiresAt: exp) == exp.addingTimeInterval(-RefreshPolicy.floor))
        #expect(RefreshPolicy.retry(after: 1, now: now, expiresAt: exp) == now.addingTimeInterval(5))
        #expect(RefreshPolicy.retry(after: 3, now: exp, expiresAt: exp) == exp.addingTimeInterval(20))
    }
}

/// A server issuing 1-second tokens: the open screen's scheduler and programs asking for tokens stay polite.
@Suite struct PoliteRefreshTests {
    @Test func theSchedulerSpacesRefreshesOfShortLivedTokens() async throws {
        let time = TestTime()
        try await withHarness(Harness.make(FixtureOptions { $0.accessTokenLifetime = 1 }, time: time.source)) { h in
            let id = try h.add()
            _ = await h.connect(id)
            await h.actor.startScheduler()
            // Before: the token was never "fresh" (a one-second margin on a one-second token), so the scheduler
            // refreshed in a loop, over a hundred times a second. Now the first refresh waits for the floor.
            await time.keepAdvancing(by: .milliseconds(100), steps: 25).value
            await h.actor.stopScheduler()
            #expect(h.fixture.counters.refreshes == 0, "the scheduler refreshed \(h.fixture.counters.refreshes) times in 2.5 s")
            // The floor doubles while tokens stay too short, up to five minutes.
            #expect(RefreshPolicy.spacing(streak: 1) == 5 && RefreshPolicy.spacing(streak: 2) == 10 && RefreshPolicy.spacing(streak: 20) == 300)
            // The person is told why.
            let scheme = try #require(try h.integrations.connections.load().connections.first?.primaryScheme)
            #expect(StatusText.shortLifetimeNote(scheme.info.tokenLifetime)?.contains("last only 1 s") == true)
            #expect(StatusText.shortLifetimeNote(3600) == nil)
        }
    }

    @Test func programsAskingForTokensRefreshAtMostOncePerFloor() async throws {
        let time = TestTime()
        try await withHarness(Harness.make(FixtureOptions { $0.accessTokenLifetime = 1 }, time: time.source)) { h in
            let id = try h.add()
            _ = await h.connect(id)
            // Requests for a token, ten at a time, for twenty seconds of a clock that keeps moving (a caller that
            // finds the token expired within the floor waits on it).
            let start = time.now()
            let advancing = time.keepAdvancing(by: .milliseconds(50), steps: 600)
            defer { advancing.cancel() }
            var asked = 0
            while time.now().timeIntervalSince(start) < 20 {
                try await withThrowingTaskGroup(of: String.self) { group in
                    for _ in 0..<10 { group.addTask { try await h.actor.validToken(for: id) } }
                    for try await token in group { #expect(!token.isEmpty) }
                }
                asked += 10
            }
            advancing.cancel()
            let elapsed = time.now().timeIntervalSince(start)
            // One refresh per floor at most (before: one per request once the 1-second token had expired, or
            // about 1.4 a second with the margin alone).
            #expect(Double(h.fixture.counters.refreshes) <= elapsed / RefreshPolicy.floor + 1, "\(h.fixture.counters.refreshes) refreshes in \(elapsed) s")
            #expect(h.fixture.counters.refreshes >= 2 && asked > 20, "\(h.fixture.counters.refreshes) refreshes for \(asked) requests")
        }
    }
}
