@testable import Acquisition
import EngineTestSupport
import Foundation
import SwitchboardCore
import SwitchboardFixtures
import SwitchboardTestSupport
import SwitchboardWiring
import Testing

/// A flow replaced by a newer one for the same scheme (`v`/`b` on the screen) clears only what is its own: the
/// newer flow's listener stays the target of paste-back (it was cleared by the old flow ending, and the paste
/// said "No sign-in is waiting").
@Suite struct FlowIdentityTests {
    @Test func aReplacedFlowEndingLeavesTheNewOnesListener() async throws {
        try await withHarness(Harness.make(browser: NoBrowser())) { h in
            let id = try h.add()
            func waitingURL(_ stream: AsyncStream<AcquisitionEvent>) async -> (URL?, AsyncStream<AcquisitionEvent>.Iterator) {
                var it = stream.makeAsyncIterator()
                while let e = await it.next() { if case .waitingForBrowser(let url, _, _) = e { return (url, it) } }
                return (nil, it)
            }
            let (first, _) = await waitingURL(await h.actor.connect(schemeID: id))
            #expect(first != nil)
            // The person switches: a new flow for the same scheme; the old one is cancelled and ends.
            var (second, rest) = await waitingURL(await h.actor.connect(schemeID: id))
            let url = try #require(second)
            let address = try #require(await HeadlessBrowser.addressOfCallback(url))
            // The old flow has ended by now (the new one waited for it); the paste reaches the new one.
            let pasted = await h.actor.deliverPastedCallback(schemeID: id, url: address)
            guard case .success = pasted else { Issue.record("the paste lost its target: \(pasted)"); return }
            var last: AcquisitionEvent?
            while let e = await rest.next() { last = e }
            guard case .connected = last else { Issue.record("\(String(describing: last))"); return }
            #expect(h.fixture.counters.registrations == 1, "the replaced flow's registration was reused: \(h.fixture.counters.registrations)")
            second = nil
        }
    }

    /// The replaced flow's "cancelled" reaches its own stream only: a screen hearing it marked the new sign-in's
    /// panel finished (reviewed), and paste-back and `v`/`b` stopped working.
    @Test func aReplacedFlowsEndIsNotBroadcast() async throws {
        try await withHarness(Harness.make(browser: NoBrowser())) { h in
            let id = try h.add()
            let updates = await h.actor.updates()
            let heard = Task { () -> [AcquisitionEvent] in
                var seen: [AcquisitionEvent] = [], waits = 0
                for await u in updates where u.schemeID == id {
                    seen.append(u.event)
                    if case .waitingForBrowser = u.event { waits += 1; if waits == 2 { break } }
                }
                return seen
            }
            var old = await h.actor.connect(schemeID: id).makeAsyncIterator()
            while let e = await old.next() { if case .waitingForBrowser = e { break } }
            let new = await h.actor.connect(schemeID: id)
            var oldEnd: AcquisitionEvent?
            while let e = await old.next() { oldEnd = e }
            guard case .failed(let e)? = oldEnd, e.code == .cancelled else { Issue.record("the old flow's own stream: \(String(describing: oldEnd))"); return }
            let seen = await heard.value
            #expect(!seen.contains { if case .failed = $0 { true } else { false } }, "broadcast: \(seen)")
            await h.actor.cancelConnect(schemeID: id)
            for await _ in new {}
        }
    }
}

/// Disconnect takes the scheme's lock: a refresh in flight ends first and its rotated tokens are the ones revoked
/// and deleted (it used to write them back and set `connected` after the disconnect). In this process, and
/// across processes (the refresh in `switchboard refresh`, the disconnect here).
@Suite struct DisconnectDuringRefreshTests {
    @Test func aDisconnectWaitsForTheRefreshInFlightAndNothingComesBack() async throws {
        try await withHarness(Harness.make(FixtureOptions { $0.rotateRefreshTokens = true; $0.revocation = true; $0.tokenDelay = 1.5 })) { h in
            let id = try h.add()
            #expect(await h.connect(id).connected)
            let refresh = Task { try? await h.actor.refresh(schemeID: id, force: true) }
            // The refresh is at the token endpoint (slowed by the test) when the person disconnects.
            let atEndpoint = await waitUntil(timeout: .seconds(5)) { h.fixture.counters.requests.filter { $0.hasSuffix("/token") }.count >= 2 }
            #expect(atEndpoint)
            let events = await h.disconnect(id)
            _ = await refresh.value
            guard case .disconnected(let revoked) = events.last else { Issue.record("\(events)"); return }
            #expect(revoked)
            #expect(try h.secrets(id).tokens == nil, "the refresh wrote its tokens back after the disconnect")
            #expect(try h.status(id) == .notConnected)
            // The rotated refresh token (the one the refresh brought) is the one revoked.
            #expect(h.fixture.counters.refreshes == 1 && h.fixture.counters.revocations.count == 2, "\(h.fixture.counters.revocations)")
        }
    }

    @Test func aDisconnectWaitsForARefreshInAnotherProcess() async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        try await withFixture(OAuthFixture.start(FixtureOptions { $0.rotateRefreshTokens = true; $0.revocation = true; $0.tokenDelay = 2 })) { fixture in
            let home = ["--home", tmp.url.path]
            let bin = BinaryRunner.binary.path
            #expect(try await BinaryRunner.runDetached(["add", "fx", fixture.serverURL.absoluteString] + home).status == 0)
            #expect(try await BinaryRunner.runDetached(["connect", "fx"] + home, environment: ["BROWSER": bin + " headless-browser"]).status == 0)
            let refresh = Task { try await BinaryRunner.runDetached(["refresh", "fx"] + home) }
            _ = await waitUntil(timeout: .seconds(10)) { fixture.counters.requests.filter { $0.hasSuffix("/token") }.count >= 2 }
            let disconnect = try await BinaryRunner.runDetached(["disconnect", "fx"] + home)
            let refreshed = try await refresh.value
            #expect(refreshed.status == 0 && disconnect.status == 0, "\(refreshed.stderr) \(disconnect.stderr)")
            let status = try await BinaryRunner.runDetached(["status", "fx", "--json"] + home)
            #expect(status.stdout.contains(#""state" : "not_connected""#), "\(status.stdout)")
            let token = try await BinaryRunner.runDetached(["token", "fx"] + home)
            #expect(token.status == 3, "no token after the disconnect: \(token.stdout)")
            #expect(fixture.counters.revocations.count == 2)
        }
    }
}

/// Statuses travel with their updates: a failed sign-in's final update carries the `error` the engine wrote (the
/// row said `connecting` until the next reload), a cancelled one the file's status as it stayed.
@Suite struct StatusTravelsWithUpdatesTests {
    @Test func aFailedConnectsUpdateCarriesTheWrittenError() async throws {
        try await withHarness(Harness.make(FixtureOptions { $0.registration = .closed })) { h in
            let id = try h.add()
            let updates = await h.actor.updates()
            let watcher = Task { () -> [SchemeUpdate] in
                var seen: [SchemeUpdate] = []
                for await u in updates where u.schemeID == id {
                    seen.append(u)
                    if u.event.isTerminal { break }
                }
                return seen
            }
            _ = await h.connect(id)
            let seen = await watcher.value
            #expect(seen.first?.status == .connecting, "progress shows connecting")
            guard case .error(let message, _)? = seen.last?.status else { Issue.record("\(seen.map(\.status))"); return }
            #expect(message.contains("self-registration"))
            #expect(seen.last?.status == (try h.status(id)), "the update says what the file says")
        }
    }
}
