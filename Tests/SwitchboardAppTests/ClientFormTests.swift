import Canvas
import Foundation
import SwitchboardApp
import SwitchboardCore
import Testing

/// `m`: the manual path on the screen, without removing the connection.
@Suite struct ClientFormTests {
    static func figma() -> AppState {
        Sample.state { s in
            Sample.figmaSelected(&s)
            s.connections[s.selected].schemes[0].redirectPort = 33418
        }
    }

    @Test func mOpensTheFormWithTheKeptRedirectURIAndSubmitsLikeSetClient() {
        var s = Self.figma()
        #expect(reduce(&s, .keyPressed(.char("m"))) == [])
        guard case .client(let opened) = s.panel else { Issue.record("no form"); return }
        #expect(opened.redirectURI == "http://127.0.0.1:33418/callback")
        #expect(reduce(&s, .keyPressed(.enter)) == [], "a client id is required")
        guard case .client(let empty) = s.panel else { return }
        #expect(empty.error?.contains("client id") == true)
        for ch in "dash-1" { _ = reduce(&s, .keyPressed(.char(ch))) }
        _ = reduce(&s, .keyPressed(.tab))
        for ch in "sek" { _ = reduce(&s, .keyPressed(.char(ch))) }
        #expect(!MainView.render(s).text.contains("sek"), "the secret is never drawn")
        #expect(reduce(&s, .keyPressed(.enter)) == [.setClient(name: "figma", clientID: "dash-1", clientSecret: "sek", redirectPort: 33418)])
        #expect(reduce(&s, .setClientFinished(error: nil)) == [.reload])
        #expect(s.panel == nil)
        #expect(s.message == "figma now signs in with your client. Press c to connect.")
    }

    @Test func aBadPortIsRefusedAndAnErrorFromTheRuntimeStays() {
        var s = Self.figma()
        _ = reduce(&s, .keyPressed(.char("m")))
        for ch in "id" { _ = reduce(&s, .keyPressed(.char(ch))) }
        _ = reduce(&s, .keyPressed(.up)) // to the port field (wraps)
        for _ in 0..<5 { _ = reduce(&s, .keyPressed(.backspace)) }
        for ch in "80x" { _ = reduce(&s, .keyPressed(.char(ch))) }
        #expect(reduce(&s, .keyPressed(.enter)) == [])
        guard case .client(let form) = s.panel else { Issue.record("no form"); return }
        #expect(form.port == "80", "only digits are typed into the port")
        #expect(form.error?.contains("1024") == true)
        _ = reduce(&s, .keyPressed(.escape))
        #expect(s.panel == nil)
    }

    @Test func onlyOAuthConnectionsTakeAClient() {
        var s = Sample.state { $0.selected = 1 } // github: bearer
        #expect(reduce(&s, .keyPressed(.char("m"))) == [])
        #expect(s.panel == nil)
        #expect(s.message?.contains("only an OAuth connection") == true)
    }
}
