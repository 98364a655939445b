import Acquisition
import EngineTestSupport
import Foundation
import SwitchboardCore
import SwitchboardFixtures
import SwitchboardTestSupport
import SwitchboardWiring
import Testing

/// What the engine writes into the activity journal, flow by flow.
@Suite struct ActivityRecordingTests {
    func activity(_ h: Harness, _ id: String) async throws -> [ActivityEvent] {
        await h.actor.flushActivity()
        return try #require(h.engine.activity).events(scheme: id)
    }

    @Test func aSignInARotatingRefreshAndADisconnect() async throws {
        let time = TestTime()
        try await withHarness(Harness.make(FixtureOptions { $0.accessTokenLifetime = 60; $0.rotateRefreshTokens = true; $0.revocation = true }, time: time.source)) { h in
            let id = try h.add()
            _ = await h.connect(id)
            try await h.actor.refresh(schemeID: id, force: true)
            _ = await h.disconnect(id)
            let events = try await activity(h, id)
            #expect(events.map(\.kind) == [.connected, .refreshed, .disconnected])
            #expect(events[0].how == "browser" && events[0].expiresAt != nil && events[0].connection == "fixture")
            #expect(events[1].rotated == true && events[1].milliseconds != nil)
            #expect(abs((events[1].expiresAt ?? .distantPast).timeIntervalSince(time.now().addingTimeInterval(60))) < 2)
            #expect(events[2].revoked == true)
            #expect(events.allSatisfy { $0.by == "switchboard" && $0.pid == getpid() })
            // The journal keeps the session's story; the status forgets it with the tokens (the pane and `status`
            // showed "refreshed … (ok)" and "tested ok" after a disconnect).
            let status = try h.integrations.connections.scheme(id: id)?.1.info
            #expect(status?.lastRefreshRotated == nil && status?.lastRefreshAt == nil && status?.lastCheck == nil && status?.renewable == nil)
            #expect(status?.issuer != nil, "what describes the server stays")
        }
    }

    @Test func aPastedSignInSaysSo() async throws {
        try await withHarness(Harness.make(browser: NoBrowser())) { h in
            let id = try h.add()
            for await e in await h.actor.connect(schemeID: id, options: ConnectOptions(noBrowser: true)) {
                if case .waitingForBrowser(let url, _, _) = e, let address = await HeadlessBrowser.addressOfCallback(url) {
                    _ = await h.actor.deliverPastedCallback(schemeID: id, url: address)
                }
            }
            #expect(try await activity(h, id).map(\.how) == ["paste"])
        }
    }

    /// A failure Switchboard retries reads differently from one that gave up.
    @Test func aRetriedFailureAndOneThatGaveUp() async throws {
        try await withHarness(Harness.make(FixtureOptions { $0.accessTokenLifetime = 60 })) { h in
            let id = try h.add()
            _ = await h.connect(id)
            h.fixture.setRefreshUnavailable(true)
            await #expect(throws: (any Error).self) { try await h.actor.refresh(schemeID: id, force: true) }
            try await withHarness(Harness.make(FixtureOptions { $0.accessTokenLifetime = 60; $0.refreshFails = true })) { refused in
                let other = try refused.add()
                _ = await refused.connect(other)
                await #expect(throws: (any Error).self) { try await refused.actor.refresh(schemeID: other, force: true) }

                let retried = try #require(try await activity(h, id).last)
                #expect(retried.kind == .refreshFailed && retried.willRetry == true && retried.reason != nil)
                #expect(ActivityText.glyph(retried) == "⟳" && ActivityText.describe(retried, timeZone: TimeFormat.utc).contains("will retry on next use"))
                let gaveUp = try #require(try await activity(refused, other).last)
                #expect(gaveUp.kind == .expired && gaveUp.reason?.contains("invalid_grant") == true)
                #expect(ActivityText.glyph(gaveUp) == "✕" && ActivityText.describe(gaveUp, timeZone: TimeFormat.utc).contains("reconnect needed"))
            }
        }
    }

    /// The screen's refresher knows when it tries again.
    @Test func theSchedulerSaysWhenItRetries() async throws {
        let time = TestTime()
        try await withHarness(Harness.make(FixtureOptions { $0.accessTokenLifetime = 600 }, time: time.source)) { h in
            let id = try h.add()
            _ = await h.connect(id)
            h.fixture.setRefreshUnavailable(true)
            await h.actor.startScheduler()
            await time.advance(by: .seconds(600))
            _ = await h.actor.refreshDueNow()
            let failed = try #require(try await activity(h, id).last { $0.kind == .refreshFailed })
            #expect(failed.retryAt != nil && failed.retryAt! > failed.at, "the scheduler says when it tries again")
        }
    }
}
