import Canvas
import Foundation
import SwitchboardApp
import SwitchboardCore
import Testing

@Suite struct ReducerTests {
    @Test func movingClampsToTheList() {
        var s = Sample.state()
        #expect(reduce(&s, .keyPressed(.up)) == [])
        #expect(s.selected == 0)
        _ = reduce(&s, .keyPressed(.char("j")))
        _ = reduce(&s, .keyPressed(.down))
        #expect(s.selected == 2)
        _ = reduce(&s, .keyPressed(.char("G")))
        #expect(s.selected == 6)
        _ = reduce(&s, .keyPressed(.down))
        #expect(s.selected == 6)
        _ = reduce(&s, .keyPressed(.char("g")))
        #expect(s.selected == 0)
        _ = reduce(&s, .keyPressed(.char("k")))
        #expect(s.selected == 0)
    }

    @Test func enterOpensThePanelThatFitsTheStatus() {
        var s = Sample.state { $0.selected = 5 } // not connected
        #expect(reduce(&s, .keyPressed(.enter)) == [.startConnect(schemeID: "s-local", device: false)])
        guard case .connect(let p) = s.panel else { Issue.record("no connect panel"); return }
        #expect(!p.reconnect)

        s = Sample.state { $0.selected = 2 } // expired
        #expect(reduce(&s, .keyPressed(.enter)) == [.startConnect(schemeID: "s-notion", device: false)])
        guard case .connect(let r) = s.panel else { Issue.record("no reconnect panel"); return }
        #expect(r.reconnect)

        // Connected: Enter tests it, as the footer says ("⏎ test"); it used to open Disconnect under "⏎ open".
        s = Sample.state { $0.selected = 0 } // connected
        #expect(MainView.render(s).rows[23].contains("⏎ test"))
        #expect(reduce(&s, .keyPressed(.enter)) == [.check(name: "linear")])
        #expect(s.panel == nil)
        #expect(reduce(&s, .keyPressed(.char("d"))) == [])
        guard case .disconnect(let d) = s.panel else { Issue.record("no disconnect panel"); return }
        #expect(d.revokes)

        s = Sample.state { $0.selected = 1 } // bearer
        #expect(reduce(&s, .keyPressed(.enter)) == [])
        #expect(s.panel == nil)
        #expect(s.message?.contains("nothing to sign in") == true)
    }

    @Test func connectPanelFollowsEventsAndEscCancels() {
        var s = Sample.state { $0.selected = 5 }
        _ = reduce(&s, .keyPressed(.char("c")))
        let id = "s-local"
        _ = reduce(&s, .acquisition(SchemeUpdate.fromEngine(schemeID: id, event: .probing(server: "x"))))
        _ = reduce(&s, .acquisition(SchemeUpdate.fromEngine(schemeID: id, event: .resourceMetadataFound(url: "u"))))
        _ = reduce(&s, .acquisition(SchemeUpdate.fromEngine(schemeID: id, event: .authorizationServerFound(issuer: "i"))))
        _ = reduce(&s, .acquisition(SchemeUpdate.fromEngine(schemeID: id, event: .clientRegistered(clientID: "c1"))))
        _ = reduce(&s, .acquisition(SchemeUpdate.fromEngine(schemeID: id, event: .waitingForBrowser(url: URL(string: "http://127.0.0.1/authorize")!, redirectURI: "r", browserOpened: true))))
        guard case .connect(let p) = s.panel else { Issue.record("panel"); return }
        #expect(p.current == .browser)
        #expect(p.done[.client] == "registered c1")
        #expect(s.connections[5].schemes[0].status == .connecting)
        #expect(reduce(&s, .keyPressed(.char("o"))) == [.openURL("http://127.0.0.1/authorize")])
        #expect(reduce(&s, .keyPressed(.escape)) == [.cancelConnect(schemeID: id)])
        #expect(s.panel == nil)
    }

    @Test func finishedConnectClosesOnEnterAndReloads() {
        var s = Sample.state { $0.selected = 5 }
        _ = reduce(&s, .keyPressed(.char("c")))
        let exp = Sample.now.addingTimeInterval(3600)
        #expect(reduce(&s, .acquisition(SchemeUpdate.fromEngine(schemeID: "s-local", event: .connected(expiresAt: exp)))) == [.reload])
        #expect(s.connections[5].schemes[0].status == .connected(expiresAt: exp))
        #expect(reduce(&s, .keyPressed(.enter)) == [.reload])
        #expect(s.panel == nil)
    }

    @Test func failureStaysUntilDismissed() {
        var s = Sample.state { $0.selected = 5 }
        _ = reduce(&s, .keyPressed(.char("c")))
        _ = reduce(&s, .acquisition(SchemeUpdate.fromEngine(schemeID: "s-local", event: .failed(AcquisitionError(.accessDenied, "Denied.", remedy: .advice("Try again."))))))
        guard case .connect(let p) = s.panel else { Issue.record("panel"); return }
        #expect(p.failure?.code == .accessDenied)
        _ = reduce(&s, .keyPressed(.char("j")))
        #expect(s.panel != nil)
        // Only closing is offered, and Esc closes (reloading what the flow wrote).
        #expect(MainView.render(s).rows[23].trimmingCharacters(in: .whitespaces) == "⏎/Esc close")
        #expect(reduce(&s, .keyPressed(.escape)) == [.reload])
        #expect(s.panel == nil)
    }

    @Test func disconnectAsksFirst() {
        var s = Sample.state { $0.selected = 0 }
        _ = reduce(&s, .keyPressed(.char("d")))
        #expect(reduce(&s, .keyPressed(.char("x"))) == [])
        #expect(reduce(&s, .keyPressed(.char("N"))) == [])
        #expect(s.panel == nil)
        _ = reduce(&s, .keyPressed(.char("d")))
        #expect(reduce(&s, .keyPressed(.char("y"))) == [.disconnect(schemeID: "s-linear")])
        _ = reduce(&s, .acquisition(SchemeUpdate.fromEngine(schemeID: "s-linear", event: .disconnected(revoked: true))))
        guard case .disconnect(let p) = s.panel, case .done(let text) = p.phase else { Issue.record("panel"); return }
        #expect(text.contains("revoked"))
        _ = reduce(&s, .keyPressed(.enter))
        #expect(s.panel == nil)
        #expect(s.connections[0].schemes[0].status == .notConnected)
    }

    @Test func liveRefreshChangesTheBadge() {
        var s = Sample.state()
        _ = reduce(&s, .acquisition(SchemeUpdate.fromEngine(schemeID: "s-linear", event: .refreshing)))
        #expect(MainView.render(s).rows[2].contains("◌ refreshing"))
        let exp = Sample.now.addingTimeInterval(7200)
        _ = reduce(&s, .acquisition(SchemeUpdate.fromEngine(schemeID: "s-linear", event: .refreshed(expiresAt: exp))))
        #expect(MainView.render(s).rows[2].contains("● connected     in 2h"))
        _ = reduce(&s, .tick(Sample.now.addingTimeInterval(3600)))
        #expect(MainView.render(s).rows[2].contains("in 1h"))
    }

    @Test func filterNarrowsAndEscClears() {
        var s = Sample.state()
        _ = reduce(&s, .keyPressed(.char("/")))
        #expect(s.filtering)
        for ch in "fig" { _ = reduce(&s, .keyPressed(.char(ch))) }
        #expect(s.visible.map(\.name) == ["figma"])
        _ = reduce(&s, .keyPressed(.backspace))
        #expect(s.filter == "fi")
        _ = reduce(&s, .keyPressed(.enter))
        #expect(!s.filtering && s.filter == "fi")
        _ = reduce(&s, .keyPressed(.char("/")))
        _ = reduce(&s, .keyPressed(.escape))
        #expect(s.filter.isEmpty && s.visible.count == 7)
    }

    @Test func remoteSessionsDefaultToTheDeviceCodeAndCanSwitch() {
        var s = Sample.state { $0.selected = 5; $0.remote = "this is an SSH session" }
        #expect(reduce(&s, .keyPressed(.char("c"))) == [.startConnect(schemeID: "s-local", device: true)])
        #expect(reduce(&s, .keyPressed(.char("b"))) == [.cancelConnect(schemeID: "s-local"), .startConnect(schemeID: "s-local", device: false)])
        #expect(reduce(&s, .keyPressed(.char("v"))) == [.cancelConnect(schemeID: "s-local"), .startConnect(schemeID: "s-local", device: true)])
    }

    @Test func pasteBackTypingAndResult() {
        var s = Sample.state { $0.selected = 5; $0.remote = "no display" }
        _ = reduce(&s, .keyPressed(.char("c")))
        #expect(reduce(&s, .keyPressed(.char("p"))) == [], "nothing to paste before the URL is known")
        _ = reduce(&s, .acquisition(SchemeUpdate.fromEngine(schemeID: "s-local", event: .waitingForBrowser(url: URL(string: "http://127.0.0.1:1/authorize")!, redirectURI: "http://127.0.0.1:5/callback", browserOpened: false))))
        _ = reduce(&s, .keyPressed(.char("p")))
        for ch in "http://x?code=1&state=q" { _ = reduce(&s, .keyPressed(.char(ch))) }
        _ = reduce(&s, .keyPressed(.backspace))
        #expect(reduce(&s, .keyPressed(.enter)) == [.pasteCallback(schemeID: "s-local", text: "http://x?code=1&state=")])
        _ = reduce(&s, .pasteFinished(error: "wrong state"))
        guard case .connect(let p) = s.panel else { Issue.record("panel"); return }
        #expect(p.pasting && p.pasteError == "wrong state")
        #expect(MainView.render(s).text.contains("wrong state"))
        _ = reduce(&s, .keyPressed(.escape))
        guard case .connect(let q) = s.panel else { Issue.record("panel closed by Esc while pasting"); return }
        #expect(!q.pasting)
    }

    @Test func deviceCodeFillsThePanel() {
        var s = Sample.state { $0.selected = 5; $0.remote = "ssh" }
        _ = reduce(&s, .keyPressed(.char("c")))
        _ = reduce(&s, .acquisition(SchemeUpdate.fromEngine(schemeID: "s-local", event: .deviceCode(userCode: "ABCD-1234", verificationURI: "https://a/activate", verificationURIComplete: nil, expiresAt: Sample.now))))
        #expect(MainView.render(s).text.contains("ABCD-1234"))
        _ = reduce(&s, .acquisition(SchemeUpdate.fromEngine(schemeID: "s-local", event: .exchangingCode)))
        _ = reduce(&s, .acquisition(SchemeUpdate.fromEngine(schemeID: "s-local", event: .connected(expiresAt: nil))))
        guard case .connect(let p) = s.panel else { Issue.record("panel"); return }
        #expect(p.finished && p.done[.browser] == "approved")
    }

    @Test func helpAndQuit() {
        var s = Sample.state()
        _ = reduce(&s, .keyPressed(.char("?")))
        #expect(s.panel == .help(scroll: 0))
        _ = reduce(&s, .keyPressed(.escape))
        #expect(s.panel == nil)
        #expect(reduce(&s, .keyPressed(.char("q"))) == [.quit])
        #expect(s.quitting)
    }

    @Test func doctorFromTheListAndFromHelp() {
        var s = Sample.state { $0.selected = 2 }
        #expect(reduce(&s, .keyPressed(.char("D"))) == [.doctor(name: "notion")])
        #expect(s.panel == .doctor(DoctorPanel(name: "notion")))
        // A report for another connection (a stale run) is not shown.
        _ = reduce(&s, .doctorFinished(name: "linear", lines: ["x"]))
        #expect(s.panel == .doctor(DoctorPanel(name: "notion")))
        let lines = (1...60).map { "line \($0)" }
        _ = reduce(&s, .doctorFinished(name: "notion", lines: lines))
        #expect(s.panel == .doctor(DoctorPanel(name: "notion", lines: lines)))
        // Scrolling stops at the last page.
        for _ in 0..<10 { _ = reduce(&s, .keyPressed(.pageDown)) }
        guard case .doctor(let p) = s.panel else { Issue.record("doctor closed"); return }
        #expect(p.scroll == 60 - DoctorPanel.visibleLines(height: s.height))
        #expect(MainView.render(s).text.contains("line 60"))
        _ = reduce(&s, .keyPressed(.up))
        #expect(!MainView.render(s).text.contains("line 60"))
        // D runs it again; Esc closes.
        #expect(reduce(&s, .keyPressed(.char("D"))) == [.doctor(name: "notion")])
        _ = reduce(&s, .keyPressed(.escape))
        #expect(s.panel == nil)
        // From the help panel: ? then D.
        _ = reduce(&s, .keyPressed(.char("?")))
        #expect(MainView.render(s).text.contains("D              doctor"))
        #expect(reduce(&s, .keyPressed(.char("D"))) == [.doctor(name: "notion")])
        // The detail pane points at it.
        _ = reduce(&s, .keyPressed(.escape))
        #expect(MainView.render(s).rows[22].contains("D doctor"))
    }

    @Test func footerIsDrawnFromTheKeyTable() {
        // Wide enough for every hint; narrower footers drop the ones that do not fit (help and quit stay).
        let wide = MainView.render(Sample.state { $0.width = 132; $0.height = 30 }).rows[29]
        let wideState = Sample.state { $0.width = 132; $0.height = 30 }
        for binding in KeyMap.table(for: wideState) { if let hint = binding.hint { #expect(wide.contains("\(hint.key) \(hint.label)")) } }
        let narrow = MainView.render(Sample.state()).rows[23]
        #expect(narrow.hasSuffix("? help  q quit"), "help and quit always stay")
        let panel = MainView.render(Sample.state { $0.panel = .disconnect(DisconnectPanel(schemeID: "s", name: "n", revokes: false)) }).rows[23]
        for binding in KeyMap.disconnect { if let hint = binding.hint { #expect(panel.contains(hint.label)) } }
    }

    @Test func addFormValidatesLikeTheCommandLine() {
        var s = Sample.state()
        #expect(reduce(&s, .keyPressed(.char("a"))) == [])
        for ch in "new" { _ = reduce(&s, .keyPressed(.char(ch))) }
        _ = reduce(&s, .keyPressed(.tab))
        for ch in "http://example.com" { _ = reduce(&s, .keyPressed(.char(ch))) }
        #expect(reduce(&s, .keyPressed(.enter)) == [])
        guard case .add(var form) = s.panel else { Issue.record("form"); return }
        #expect(form.error?.contains("https") == true)
        // Fix the URL: backspace over "http://example.com", type an https one.
        for _ in 0..<18 { _ = reduce(&s, .keyPressed(.backspace)) }
        for ch in "https://example.com/mcp" { _ = reduce(&s, .keyPressed(.char(ch))) }
        _ = reduce(&s, .keyPressed(.tab))
        _ = reduce(&s, .keyPressed(.right)) // oauth (manual)
        guard case .add(let f2) = s.panel else { return }
        form = f2
        #expect(form.kind == .oauthManual)
        #expect(reduce(&s, .keyPressed(.enter)) == [], "the oauth preset needs a client id")
        _ = reduce(&s, .keyPressed(.tab))
        for ch in "cid" { _ = reduce(&s, .keyPressed(.char(ch))) }
        #expect(reduce(&s, .keyPressed(.enter)) == [.addConnection(NewConnection(name: "new", url: "https://example.com/mcp", kind: .oauthManual, clientID: "cid"))])
        #expect(reduce(&s, .addFinished(error: nil)) == [.reload])
        #expect(s.panel == nil)
        #expect(s.message?.contains("Added new") == true)
    }

    @Test func addFormRefusesADuplicateAndEscCancels() {
        var s = Sample.state()
        _ = reduce(&s, .keyPressed(.char("a")))
        for ch in "LINEAR" { _ = reduce(&s, .keyPressed(.char(ch))) }
        _ = reduce(&s, .keyPressed(.down))
        for ch in "https://x.example" { _ = reduce(&s, .keyPressed(.char(ch))) }
        #expect(reduce(&s, .keyPressed(.enter)) == [])
        guard case .add(let form) = s.panel else { Issue.record("form"); return }
        #expect(form.error?.contains("exists already") == true)
        _ = reduce(&s, .keyPressed(.escape))
        #expect(s.panel == nil)
    }

    @Test func removeAsksFirst() {
        var s = Sample.state { $0.selected = 6 }
        _ = reduce(&s, .keyPressed(.char("x")))
        #expect(s.panel == .remove(name: "internal"))
        #expect(reduce(&s, .keyPressed(.escape)) == [])
        _ = reduce(&s, .keyPressed(.char("x")))
        #expect(reduce(&s, .keyPressed(.char("y"))) == [.removeConnection(name: "internal"), .reload])
    }

    @Test func resizeAndTooSmall() {
        var s = Sample.state()
        _ = reduce(&s, .keyPressed(.resize(width: 50, height: 10)))
        #expect(MainView.render(s).text.contains("Terminal too small"))
        _ = reduce(&s, .keyPressed(.resize(width: 100, height: 30)))
        #expect(MainView.render(s).rows.count == 30)
    }

    @Test func renderCostFollowsTheScreenNotTheList() {
        // 10,000 rows render the same 24 lines as 7.
        var s = AppState(now: Sample.now)
        s.connections = (0..<10_000).map { i in
            Connection(id: "c\(i)", name: "conn\(i)", serverURL: URL(string: "https://s\(i).example/mcp")!, schemes: [AuthScheme(id: "s\(i)", kind: .oauthDynamic)])
        }
        _ = reduce(&s, .keyPressed(.end))
        let rows = MainView.render(s).rows
        #expect(rows.count == 24)
        #expect(rows.contains { $0.contains("conn9999") })
    }
}

extension ReducerTests {
    @Test func aLargeHomesFirstFrameShowsTheWholeListsFigures() {
        var s = Sample.state()
        s.connections = Array(Sample.connections.prefix(3))
        s.loadingTotals = (10_000, 1_000)
        #expect(MainView.render(s).rows[0].contains("10000 connections · 1000 need attention"))
        _ = reduce(&s, .connectionsLoaded(Sample.connections))
        #expect(s.loadingTotals == nil)
        #expect(MainView.render(s).rows[0].contains("7 connections · 2 need attention"))
    }
}
