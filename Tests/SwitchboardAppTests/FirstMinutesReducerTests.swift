import Canvas
import Foundation
import SwitchboardApp
import SwitchboardCore
import Testing

/// What a new user meets first on the screen (issue #23): keys that do what the footer and help promise.
@Suite struct FirstMinutesReducerTests {
    /// Ctrl-C quits from every panel and field, the forms and the filter included (it was typed into the Add form).
    @Test func controlCQuitsFromAnywhere() {
        var typing = Sample.state()
        _ = reduce(&typing, .keyPressed(.char("a")))
        _ = reduce(&typing, .keyPressed(.char("x")))
        var filtering = Sample.state()
        _ = reduce(&filtering, .keyPressed(.char("/")))
        var helping = Sample.state()
        _ = reduce(&helping, .keyPressed(.char("?")))
        for var s in [typing, filtering, helping, Sample.state(), AppState(now: Sample.now)] {
            #expect(reduce(&s, .keyPressed(.ctrl("c"))) == [.quit])
            #expect(s.quitting)
        }
    }

    /// Before the first connection the list offers what can be done: add one, with the key that does it.
    @Test func theEmptyListOffersAdd() {
        var s = AppState(now: Sample.now)
        #expect(KeyMap.table(for: s).compactMap(\.hint).map(\.key) == ["a", "?", "q"])
        _ = reduce(&s, .keyPressed(.char("a")))
        guard case .add = s.panel else { Issue.record("a did not open the Add form"); return }
    }

    /// After a disconnect finishes, the footer no longer offers `y disconnect N/Esc keep`; only closing.
    @Test func aFinishedDisconnectOffersOnlyClosing() {
        var s = Sample.state { $0.selected = 0 }
        _ = reduce(&s, .keyPressed(.char("d")))
        #expect(MainView.render(s).rows[23].contains("y disconnect"))
        _ = reduce(&s, .keyPressed(.char("y")))
        #expect(!MainView.render(s).rows[23].contains("y disconnect"), "nothing to confirm while it runs")
        _ = reduce(&s, .acquisition(SchemeUpdate.fromEngine(schemeID: "s-linear", event: .disconnected(revoked: true))))
        let footer = MainView.render(s).rows[23].trimmingCharacters(in: .whitespaces)
        #expect(footer == "⏎/Esc close", "\(footer)")
        _ = reduce(&s, .keyPressed(.char("y")))
        #expect(s.panel != nil, "y does nothing more")
        _ = reduce(&s, .keyPressed(.escape))
        #expect(s.panel == nil)
    }

    /// A kept filter (typed, then ⏎) is cleared with Esc on the list, and the header counts what it shows.
    @Test func escClearsAKeptFilter() {
        var s = Sample.state()
        for key in [Key.char("/"), .char("n"), .char("o"), .char("t"), .enter] { _ = reduce(&s, .keyPressed(key)) }
        #expect(!s.filtering && s.filter == "not" && s.visible.count < s.connections.count)
        let header = MainView.render(s, colors: false).rows[0]
        #expect(header.contains("\(s.visible.count) of \(s.connections.count) connections"), "\(header)")
        _ = reduce(&s, .keyPressed(.escape))
        #expect(s.filter.isEmpty && s.visible.count == s.connections.count)
    }
}

/// Help lists every key of every table, those the footer leaves out too.
@Suite struct HelpListsEveryKeyTests {
    @Test func everyBindingIsInTheHelp() {
        let text = HelpLines.all.joined(separator: "\n")
        for key in ["↑ k", "↓ j", "PgUp", "PgDn", "Home g", "End G", "← →", "Ctrl-C", "Esc"] {
            #expect(text.contains(key), "the help lacks \(key)")
        }
    }
}
