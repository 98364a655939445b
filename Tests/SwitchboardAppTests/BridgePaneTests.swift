import Canvas
import Foundation
import SwitchboardApp
import SwitchboardCore
import Testing

/// Live bridges on the screen: the reducer takes them as an action (pure), the detail pane lists them, the
/// list counts them, and the pane's growth keeps the selection in view.
@Suite struct BridgePaneTests {
    static func bridge(_ pid: Int32, _ scheme: String = "s-linear", client: String? = "Claude Desktop", minutes: Double = 5) -> BridgeRecord {
        BridgeRecord(pid: pid, scheme: scheme, connection: "linear", clientName: client, clientVersion: "1.0",
                     startedAt: Sample.now.addingTimeInterval(-minutes * 60), requests: Int(pid))
    }

    @Test func bridgesLoadedIsPureAndGroupsByScheme() {
        var s = Sample.state()
        let list = Sample.bridges + [Sample.githubBridge]
        #expect(reduce(&s, .bridgesLoaded(list)) == [])
        #expect(s.bridges == list)
        #expect(s.bridges(for: s.connections[0]).map(\.pid) == [48213, 48377])
        #expect(s.bridges(for: s.connections[1]).map(\.pid) == [51002])
        #expect(s.bridges(for: s.connections[2]).isEmpty)
        // The same action twice: the same state.
        var again = s
        _ = reduce(&again, .bridgesLoaded(list))
        #expect(again == s)
        _ = reduce(&s, .bridgesLoaded([]))
        #expect(s.bridgesByScheme.isEmpty)
    }

    /// The pane grows by the selected connection's bridge lines (a heading, one per bridge up to three, one for
    /// the rest) while the list keeps its minimum; moving onto a row whose pane grows keeps that row in view.
    @Test func thePaneGrowsAndTheSelectionStaysInView() {
        #expect(Layout(width: 80, height: 24, bridges: 2).detail.height == 12)
        #expect(Layout(width: 80, height: 24, bridges: 9).detail.height == 14)
        #expect(Layout(width: 80, height: 16, bridges: 2).detail.height == 10, "a small screen: the list keeps three rows")
        #expect(Layout(width: 80, height: 16, bridges: 2).list.height == 3)

        // Forty connections; the last one has bridges.
        let many = (0..<40).map { i in
            Connection(id: "c\(i)", name: "conn\(i)", serverURL: URL(string: "https://s\(i).example.com/mcp")!,
                       schemes: [AuthScheme(id: "s\(i)", kind: .oauthDynamic, status: .notConnected)])
        }
        var s = AppState(connections: many, now: Sample.now)
        _ = reduce(&s, .bridgesLoaded([Self.bridge(1, "s39"), Self.bridge(2, "s39")]))
        _ = reduce(&s, .keyPressed(.char("G")))
        let layout = Layout(for: s)
        #expect(layout.detail.height == 12)
        #expect(s.selected == 39)
        #expect(s.selected - s.scroll < layout.list.height, "the selected row is drawn above the grown pane")
        let screen = MainView.render(s).text
        #expect(screen.contains(" conn39 ") && screen.contains("⇄2"))
        // Bridges that arrive for the selected row move the list, too.
        _ = reduce(&s, .bridgesLoaded([]))
        _ = reduce(&s, .keyPressed(.char("k")))
        _ = reduce(&s, .bridgesLoaded((1...5).map { Self.bridge($0, "s38") }))
        #expect(s.selected - s.scroll < Layout(for: s).list.height)
    }

    @Test func moreThanThreeBridgesAreSummedUp() {
        let five = (1...5).map { Self.bridge(Int32(40000 + $0), minutes: Double(10 - $0)) }
        let s = Sample.state().after(then: [.bridgesLoaded(five)])
        let rows = MainView.render(s).rows
        #expect(rows.contains { $0.contains("… and 2 more: switchboard status linear") }, Comment(rawValue: rows.joined(separator: "\n")))
        #expect(rows.filter { $0.contains("Claude Desktop 1.0") }.count == 3)
        #expect(rows[2].contains("⇄5"))
    }

    /// Whatever fills the state, a bridge's texts reach the screen filtered and bounded.
    @Test func hostileTextsAreFilteredInThePane() {
        var hostile = Self.bridge(666, client: "Evil\u{1B}]52;c;Y2xpcA==\u{07}\u{202E}")
        hostile.lastError = "boom\u{1B}[2J\u{9B}31m" + String(repeating: "x", count: 500)
        let s = Sample.state().after(then: [.bridgesLoaded([hostile])])
        let text = MainView.render(s).text
        #expect(!text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
        #expect(!text.unicodeScalars.contains { (0x80...0x9F).contains($0.value) || $0.value == 0x202E })
        #expect(text.contains("Evil^[]52;c;"))
        #expect(text.contains("boom^[[2J"))
        #expect(MainView.render(s).rows.allSatisfy { $0.displayWidth <= 80 })
    }

    /// The texts `status` and `show` print for a bridge.
    @Test func bridgeTexts() {
        let b = Sample.bridges[1]
        #expect(BridgeText.summary(b, now: Sample.now) == "Cursor 1.7.3 · pid 48377 · started 3m ago · 37 requests")
        #expect(BridgeText.lastError(b, now: Sample.now) == "last error 1m ago: HTTP 502 from https://mcp.linear.app/mcp")
        #expect(BridgeText.lastError(Sample.bridges[0], now: Sample.now) == nil)
        #expect(BridgeText.marker(0) == "" && BridgeText.marker(2) == "⇄2")
        #expect(BridgeText.requests(1) == "1 request")
        #expect(Sample.githubBridge.clientLabel == "Zed")
        #expect(BridgeRecord(scheme: "s", connection: "c", startedAt: Sample.now).clientLabel == "unnamed client")
    }

    /// A bridge's activity as the timeline and `switchboard log` read it (the same words).
    @Test func bridgeActivityTexts() {
        func text(_ e: ActivityEvent) -> String { ActivityText.glyph(e) + " " + ActivityText.describe(e, timeZone: TimeFormat.utc) }
        let started = ActivityEvent.bridge(.bridgeStarted, Sample.bridges[0], at: Sample.now)
        #expect(started.by == "bridge" && started.requests == nil)
        #expect(text(started) == "⇄ bridge for Claude Desktop 0.9.2 started")
        #expect(text(.bridge(.bridgeStopped, Sample.bridges[0], at: Sample.now)) == "⇄ bridge for Claude Desktop 0.9.2 stopped · 1204 requests served")
        #expect(text(.bridge(.bridgeFailed, Sample.bridges[1], at: Sample.now, reason: "linear needs a reconnect\u{1B}[2J"))
                == "✕ bridge for Cursor 1.7.3 failed: linear needs a reconnect^[[2J · 37 requests served")
        #expect(text(.bridge(.bridgeStopped, BridgeRecord(scheme: "s", connection: "c", startedAt: Sample.now, requests: 1), at: Sample.now))
                == "⇄ bridge stopped · 1 request served")
        let refreshed = ActivityEvent(.refreshed, at: Sample.now, scheme: "s-linear", connection: "linear") { $0.by = "bridge"; $0.milliseconds = 120; $0.rotated = true }
        #expect(text(refreshed) == "● refreshed by bridge in 120 ms · rotated")
    }
}
