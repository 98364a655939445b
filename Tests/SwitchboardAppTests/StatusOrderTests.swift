import Canvas
import Foundation
import SwitchboardApp
import SwitchboardCore
import Testing

/// The screen's promises about order: a status never moves backwards; `c` on a connected row asks; the added row is selected.
@Suite struct StatusOrderTests {
    /// The race the loop can meet: a reload that read the file before the flow's last write arrives after the
    /// flow's final event. The newer status the screen heard of stays.
    @Test func aStaleReloadNeverMovesAStatusBackwards() {
        var s = Sample.state { $0.selected = 5 }
        let stale = s.connections
        let exp = Sample.now.addingTimeInterval(3600)
        _ = reduce(&s, .acquisition(SchemeUpdate.fromEngine(schemeID: "s-local", event: .connected(expiresAt: exp), revision: 3)))
        #expect(s.connections[5].schemes[0].status == .connected(expiresAt: exp))
        _ = reduce(&s, .connectionsLoaded(stale))
        #expect(s.connections[5].schemes[0].status == .connected(expiresAt: exp), "the older file did not win")
        // A newer file (another process disconnected afterwards) does win.
        var newer = stale
        newer[5].schemes[0].statusRevision = 4
        newer[5].schemes[0].status = .notConnected
        _ = reduce(&s, .connectionsLoaded(newer))
        #expect(s.connections[5].schemes[0].status == .notConnected)
    }

    @Test func connectOnAConnectedRowAsksFirst() {
        var s = Sample.state { $0.selected = 0 }   // linear, connected
        #expect(reduce(&s, .keyPressed(.char("c"))) == [])
        guard case .signInAgain(let p) = s.panel else { Issue.record("no question: \(String(describing: s.panel))"); return }
        #expect(p.name == "linear")
        #expect(MainView.render(s).text.contains("Sign in again? y / N"))
        #expect(reduce(&s, .keyPressed(.char("n"))) == [])
        #expect(s.panel == nil)
        _ = reduce(&s, .keyPressed(.char("c")))
        #expect(reduce(&s, .keyPressed(.char("y"))) == [.startConnect(schemeID: "s-linear", device: false)])
        guard case .connect(let c) = s.panel else { Issue.record("no connect panel"); return }
        #expect(c.reconnect, "it is a Reconnect and says so")
    }

    @Test func theAddedRowIsSelected() {
        var s = Sample.state { $0.selected = 0 }
        _ = reduce(&s, .keyPressed(.char("a")))
        for ch in "zeta" { _ = reduce(&s, .keyPressed(.char(ch))) }
        _ = reduce(&s, .keyPressed(.tab))
        for ch in "https://zeta.example/mcp" { _ = reduce(&s, .keyPressed(.char(ch))) }
        #expect(reduce(&s, .keyPressed(.enter)) == [.addConnection(NewConnection(name: "zeta", url: "https://zeta.example/mcp"))])
        #expect(reduce(&s, .addFinished(error: nil)) == [.reload])
        var list = Sample.connections
        list.insert(Connection(id: "c-zeta", name: "zeta", serverURL: URL(string: "https://zeta.example/mcp")!,
                               schemes: [AuthScheme(id: "s-zeta", kind: .oauthDynamic)]), at: 3)
        _ = reduce(&s, .connectionsLoaded(list))
        #expect(s.selectedConnection?.name == "zeta")
        #expect(reduce(&s, .keyPressed(.char("c"))) == [.startConnect(schemeID: "s-zeta", device: false)])
    }
}
