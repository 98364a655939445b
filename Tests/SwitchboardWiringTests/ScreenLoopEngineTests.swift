import Acquisition
import EngineTestSupport
import Foundation
import SwitchboardApp
import SwitchboardCore
import SwitchboardFixtures
import SwitchboardTestSupport
import SwitchboardWiring
import Testing

/// The screen's loop with the real engine and a fixture server: keys, the engine's events and effect results
/// all go through the loop's one stream.
@Suite struct ScreenLoopEngineTests {
    static func status(_ state: AppState, _ name: String) -> SchemeStatus? {
        state.connections.first { $0.name == name }?.primaryScheme?.status
    }

    @Test func aConnectAPasteAndAnAddGoThroughTheSingleStream() async throws {
        let time = TestTime()
        try await withHarness(Harness.make(browser: NoBrowser(), time: time.source)) { h in
            try h.add("notes")
            // A remote session: the flow prints the address instead of opening a browser, and waits for paste-back.
            let driver = LoopDriver(EngineScreenEffects(engine: h.engine, browser: NoBrowser(), remote: true), time: time)
            _ = await driver.until { $0.connections.count == 1 }
            let stale = try h.integrations.connections.load().connections

            driver.type([.char("c")])
            let waiting = try #require(await driver.until { if case .connect(let p) = $0.panel { p.authorizationURL != nil } else { false } })
            guard case .connect(let panel) = waiting.panel, let url = panel.authorizationURL.flatMap(URL.init(string:)) else { return }
            #expect(Self.status(waiting, "notes") == .connecting)
            // Signed in "on another machine": the browser ends on the callback address, which is pasted back.
            let address = try #require(await HeadlessBrowser.addressOfCallback(url))
            driver.type([.char("p")] + .typing(address) + [.enter])

            // Every frame from here on: once connected, the row never shows an older status.
            var seen: [SchemeStatus] = []
            let done = try #require(await driver.until { state in
                if let s = Self.status(state, "notes") { seen.append(s) }
                if case .connect(let p) = state.panel { return p.finished } else { return false }
            })
            guard case .connected = Self.status(done, "notes") else { Issue.record("not connected: \(seen)"); return }
            // A reload that read the file before the flow's last write, arriving late, does not move it back.
            driver.loop.inbox.send(.connectionsLoaded(stale))
            driver.loop.inbox.send(.notice("after the stale reload"))
            let after = try #require(await driver.until { state in
                if let s = Self.status(state, "notes") { seen.append(s) }
                return state.message == "after the stale reload"
            })
            let firstConnected = try #require(seen.firstIndex { $0.isConnected })
            let regressed = seen[firstConnected...].contains { !$0.isConnected }
            #expect(!regressed, "\(seen)")
            #expect(Self.status(after, "notes")?.isConnected == true)

            // Add: Enter closes the finished panel; the form's result comes back and the new row is selected.
            // (Another server: a second connection to the same one is a second account, which the form refuses.)
            let other = h.fixture.serverURL.absoluteString.replacingOccurrences(of: "/mcp", with: "/other/mcp")
            driver.type([.enter, .char("a")] + .typing("linear") + [.tab] + .typing(other) + [.enter])
            let added = try #require(await driver.until { $0.selectedConnection?.name == "linear" })
            #expect(added.message == "Added linear. Press c to connect.")
            let stored = try? h.integrations.connection(named: "linear")
            #expect(stored != nil, "the add reached the store")
            // `c` now signs in to the new row, not the connected one.
            driver.type([.char("c")])
            let second = try #require(await driver.until { if case .connect = $0.panel { true } else { false } })
            guard case .connect(let p2) = second.panel else { return }
            #expect(p2.name == "linear")
            driver.type([.escape, .char("q")])
            #expect(await driver.run.value.quitting)
        }
    }

    /// The engine's half of the promise: when a flow's final event goes out, its status is already on disk.
    @Test func aFlowsFinalEventFollowsItsDurableStatus() async throws {
        try await withHarness(Harness.make()) { h in
            let id = try h.add()
            let updates = await h.actor.updates()
            let watcher = Task { () -> (SchemeUpdate, SchemeStatus?, Int?)? in
                for await u in updates where u.schemeID == id && u.event.isTerminal {
                    return (u, try? h.status(id), try? h.integrations.connections.scheme(id: id)?.1.statusRevision)
                }
                return nil
            }
            _ = await h.connect(id)
            let (update, status, revision) = try #require(await watcher.value)
            guard case .connected = update.event, case .connected = status else { Issue.record("\(update) \(String(describing: status))"); return }
            #expect(update.revision != nil && update.revision == revision)
        }
    }

    /// `t` on the screen answers a scope challenge as `switchboard check` does: it says why, signs in again for
    /// the union of scopes, and the check then passes; the journal records the step-up.
    @Test func testOnTheScreenStepsUpAsCheckDoes() async throws {
        let time = TestTime()
        try await withHarness(Harness.make(FixtureOptions { $0.requiredScope = "mcp:admin" }, time: time.source)) { h in
            let id = try h.add("notes")
            _ = await h.connect(id)
            let driver = LoopDriver(EngineScreenEffects(engine: h.engine, browser: NoBrowser(), remote: false), time: time)
            _ = await driver.until { $0.connections.first?.primaryScheme?.status.isConnected == true }
            driver.type([.char("t")])
            var notices: [String] = []
            let done = try #require(await driver.until { state in
                if let m = state.message { notices.append(m) }
                return state.message?.hasPrefix("notes: ok") == true || state.message?.hasPrefix("notes: failed") == true
            })
            #expect(notices.contains { $0.contains("asks for more access") && $0.contains("signing in again") }, "\(notices)")
            #expect(done.message?.hasPrefix("notes: ok") == true, "\(String(describing: done.message))")
            await h.actor.flushActivity()
            let kinds = try #require(h.engine.activity).events(scheme: id).map(\.kind)
            #expect(kinds == [.connected, .stepUp, .connected, .checked], "\(kinds)")
            driver.type([.char("q")])
            _ = await driver.run.value
        }
    }
}

/// Seen on the real binary: `shortlived` (40 s tokens) was refreshed up to 80 s apart while its row said
/// `● connected 18s ago` for minutes. The screen's loop with the real engine and scheduler, three minutes of a
/// clock the test moves: every frame drawn either shows the token valid, or does not say connected.
@Suite struct FortySecondTokenOnScreenTests {
    @Test func aFortySecondTokenWatchedForThreeMinutesNeverShowsALapseAsConnected() async throws {
        let time = TestTime()
        try await withHarness(Harness.make(FixtureOptions { $0.accessTokenLifetime = 40; $0.rotateRefreshTokens = true }, time: time.source)) { h in
            let id = try h.add("shortlived")
            #expect(await h.connect(id).connected)
            let driver = LoopDriver(EngineScreenEffects(engine: h.engine, browser: NoBrowser(), remote: false), time: time)
            let start = time.now()
            var frames = 0, lies: [String] = [], lapses = 0
            // The clock moves on by itself (the loop ticks every 1 or 3 s of it); every frame drawn is looked at.
            let advancing = time.keepAdvancing(by: .milliseconds(250), steps: 4 * 200)
            defer { advancing.cancel() }
            _ = await driver.until { state in
                guard let c = state.connections.first, let s = c.primaryScheme else { return false }
                frames += 1
                let row = MainView.render(state).rows[2]
                if case .connected(let exp?) = s.status, exp <= state.now, row.contains("● connected") {
                    lies.append("at +\(Int(state.now.timeIntervalSince(start))) s: \(row)")
                }
                if row.contains("expired") { lapses += 1 }
                return state.now >= start.addingTimeInterval(180)
            }
            advancing.cancel()
            #expect(frames >= 60, "\(frames) frames in 3 minutes")
            #expect(lies.isEmpty, "\(lies.prefix(5))")
            #expect(lapses == 0, "the server answered: the token never lapsed, yet \(lapses) frames showed it expired")
            #expect((5...7).contains(h.fixture.counters.refreshes), "\(h.fixture.counters.refreshes) refreshes in 3 minutes")
            driver.type([.char("q")])
            _ = await driver.run.value
        }
    }
}
