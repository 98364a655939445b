import Canvas
import Foundation
import SwitchboardApp
import SwitchboardCore
import SwitchboardTestSupport
import Testing

/// The goldens of the panels (the doctor, Connect, Disconnect, sign in again, the forms, the timeline, help) and of
/// the filter and the screen sizes.
extension ScreenGoldenTests {
    @Test func doctorRunningAndReport() throws {
        let running = Sample.state { $0.selected = 5 }.after([.char("D")])
        Self.check("doctor-running", running)
        // The command's report less its first line (the version, which `switchboard doctor` prints and the panel does not).
        let report = try String(contentsOf: Golden.directory.appendingPathComponent("doctor-report.txt"), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { $0 != "switchboard VERSION" }
        let shown = running.after(then: [.doctorFinished(name: "local", lines: report)])
        Self.check("doctor-view", shown)
        Self.check("doctor-view-scrolled", shown.after(Array(repeating: .down, count: 11)))
    }

    @Test func connectInProgress() {
        Self.check("connect-in-progress", Sample.state { $0.selected = 5 }.after([.char("c")], Events.discovered))
    }

    @Test func waitingForBrowser() {
        Self.check("waiting-for-browser", Sample.state { $0.selected = 5 }.after([.char("c")], Events.waiting))
    }

    @Test func connected() {
        let done = Sample.state { $0.selected = 5 }.after([.char("c")], Events.waiting + [
            .callbackReceived, .exchangingCode, .connected(expiresAt: Sample.now.addingTimeInterval(3600))])
        Self.check("connected", done, noColor: true)
    }

    @Test func reconnectExpired() {
        Self.check("reconnect-expired", Sample.state { $0.selected = 2 }.after([.char("r")], [
            .probing(server: "https://mcp.notion.com/mcp"), .resourceMetadataFound(url: "https://mcp.notion.com/.well-known/oauth-protected-resource/mcp")]))
    }

    @Test func disconnectConfirmation() {
        Self.check("disconnect-confirm", Sample.state { $0.selected = 0 }.after([.char("d")]))
    }

    /// `c` on a connected row asks before signing in again.
    @Test func signInAgainQuestion() {
        Self.check("sign-in-again", Sample.state { $0.selected = 0 }.after([.char("c")]))
    }

    @Test func closedRegistrationError() {
        guard case .error(let m, let r) = Sample.connections[4].schemes[0].status else { return }
        let state = Sample.state { $0.selected = 4 }.after([.char("r")], [
            .probing(server: "https://mcp.figma.com/mcp"), .resourceMetadataFound(url: "https://mcp.figma.com/.well-known/oauth-protected-resource"),
            .authorizationServerFound(issuer: "https://www.figma.com"), .registeringClient(endpoint: "https://www.figma.com"),
            .failed(AcquisitionError(.registrationRefused, m, remedies: r))])
        Self.check("closed-registration-error", state, noColor: true)
    }

    /// The person's client secret would go to a new authorization server: the panel stops and asks.
    @Test func clientIssuerChangedAsks() {
        let error = AcquisitionError(.clientIssuerChanged,
            "The client secret you entered for figma belongs to https://www.figma.com, but the server now names https://auth.figma-new.example as its authorization server; Switchboard did not send the secret there.",
            remedies: [RemedyStep(.trustNewIssuer(connection: "figma"), when: "If the move is expected and the same client works there"),
                       RemedyStep(.setClient(connection: "figma", secret: true, issuer: false), when: "If the new server needs its own client")])
        let state = Sample.state { $0.selected = 4 }.after([.char("r")], [
            .probing(server: "https://mcp.figma.com/mcp"), .resourceMetadataFound(url: "https://mcp.figma.com/.well-known/oauth-protected-resource"),
            .authorizationServerFound(issuer: "https://auth.figma-new.example"), .failed(error)])
        Self.check("client-issuer-changed", state)
        // y connects again, trusting the new server; m opens the client form instead.
        var yes = state
        #expect(reduce(&yes, .keyPressed(.char("y"))) == [.startConnect(schemeID: "s-figma", device: false, trustNewIssuer: true)])
        guard case .client = state.after([.char("m")]).panel else { Issue.record("m did not open the client form"); return }
    }

    @Test func addForm() {
        // Name, URL, the kind moved to bearer, a token; Enter: the form refuses the plain-http URL.
        let keys: [Key] = [.char("a")] + .typing("internal") + [.tab] + .typing("http://tools.example.com/mcp") + [.tab, .right, .right, .tab]
            + .typing("sk-canary-secret") + [.enter]
        let state = Sample.state().after(keys)
        Self.check("add-form", state)
        #expect(!MainView.render(state).text.contains("canary"), "the token is never drawn")
    }

    @Test func clientForm() {
        let typed = Sample.state { Sample.figmaSelected(&$0) }.after([.char("m")] + .typing("dash-7f3a") + [.tab] + .typing("sbcanary-client-secret"))
        Self.check("client-form", typed)
        #expect(!MainView.render(typed).text.contains("sbcanary"), "the secret is never drawn")
        // The secret cleared, the port set to 80: Enter refuses it.
        let refused = typed.after(Array(repeating: .backspace, count: 22) + [.tab] + Array(repeating: .backspace, count: 5) + .typing("80") + [.enter])
        Self.check("client-form-error", refused)
    }

    @Test func removeConfirmation() { Self.check("remove-confirm", Sample.state { $0.selected = 6 }.after([.char("x")])) }

    static var remote: AppState { Sample.state { $0.selected = 5; $0.remote = "this is an SSH session" } }

    @Test func remoteSignIn() { Self.check("remote-sign-in", Self.remote.after([.char("c")], Events.waiting)) }

    @Test func remotePasting() {
        let state = Self.remote.after([.char("c")], Events.waiting).after(
            [.char("p")] + .typing("http://127.0.0.1:40123/callback?code=code-9&state=forged") + [.enter],
            then: [.pasteFinished(error: "The sign-in response does not belong to this sign-in (its state does not match).")])
        Self.check("remote-paste-refused", state)
    }

    @Test func deviceCode() {
        Self.check("device-code", Self.remote.after([.char("c")], Events.client + [
            .deviceCode(userCode: "WDJB-MJHT", verificationURI: "https://auth.example.com/activate",
                        verificationURIComplete: "https://auth.example.com/activate?user_code=WDJB-MJHT", expiresAt: Sample.now.addingTimeInterval(600))]))
    }

    /// A connection's history, oldest first: sign-ins, refreshes by several processes, a failure that was
    /// retried and one that gave up, a step-up, a check, a move and a disconnect.
    static var activity: [ActivityEvent] {
        let s = "s-linear", c = "linear"
        func at(_ minutesAgo: Double) -> Date { Sample.now.addingTimeInterval(-minutesAgo * 60) }
        // A day of the screen's refreshes before that, one an hour.
        let earlier = (0..<12).map { h in
            ActivityEvent(.refreshed, at: at(Double(1020 - h * 60)), scheme: s, connection: c) { $0.by = "screen"; $0.milliseconds = 150 + h; $0.rotated = true }
        }
        let events: [ActivityEvent] = earlier + [
            ActivityEvent(.connected, at: at(300), scheme: s, connection: c) { $0.by = "connect"; $0.how = "browser"; $0.expiresAt = at(240) },
            ActivityEvent(.checked, at: at(299), scheme: s, connection: c) { $0.by = "check"; $0.era = "2026-07-28"; $0.tools = 12 },
            ActivityEvent(.refreshed, at: at(241), scheme: s, connection: c) { $0.by = "screen"; $0.milliseconds = 182; $0.rotated = true; $0.expiresAt = at(181) },
            ActivityEvent(.refreshed, at: at(182), scheme: s, connection: c) { $0.by = "token"; $0.milliseconds = 240; $0.rotated = true; $0.expiresAt = at(122) },
            ActivityEvent(.refreshFailed, at: at(123), scheme: s, connection: c) {
                $0.by = "screen"; $0.reason = "HTTP 503 from https://mcp.linear.app/token"; $0.willRetry = true; $0.retryAt = at(122.9)
            },
            ActivityEvent(.refreshed, at: at(122.9), scheme: s, connection: c) { $0.by = "screen"; $0.milliseconds = 301; $0.rotated = true; $0.expiresAt = at(62) },
            ActivityEvent(.stepUp, at: at(90), scheme: s, connection: c) { $0.by = "check"; $0.scopesBefore = ["read"]; $0.scopesAfter = ["read", "write"] },
            ActivityEvent(.connected, at: at(89), scheme: s, connection: c) { $0.by = "check"; $0.how = "browser"; $0.expiresAt = at(29) },
            ActivityEvent(.refreshed, at: at(30), scheme: s, connection: c) { $0.by = "headers"; $0.milliseconds = 95; $0.rotated = false; $0.expiresAt = at(-30) },
            ActivityEvent(.refreshFailed, at: at(12), scheme: s, connection: c) { $0.by = "refresh"; $0.reason = "the server refused the refresh (invalid_grant)"; $0.willRetry = false },
            ActivityEvent(.expired, at: at(12), scheme: s, connection: c) { $0.by = "refresh"; $0.reason = "The server refused the refresh (invalid_grant)." },
            ActivityEvent(.connectFailed, at: at(11), scheme: s, connection: c) { $0.by = "screen"; $0.reason = "No sign-in arrived within 5 minutes." },
            ActivityEvent(.connected, at: at(6), scheme: s, connection: c) { $0.by = "screen"; $0.how = "paste"; $0.expiresAt = at(-54) },
            ActivityEvent(.serverMoved, at: at(5), scheme: s, connection: c) { $0.by = "token"; $0.issuer = "https://auth.linear.app" },
            ActivityEvent(.connected, at: at(4), scheme: s, connection: c) { $0.by = "screen"; $0.how = "device"; $0.expiresAt = at(-56) },
            ActivityEvent(.refreshed, at: at(1), scheme: s, connection: c) { $0.by = "screen"; $0.milliseconds = 120; $0.rotated = true; $0.expiresAt = at(-59) },
        ]
        return events.enumerated().map { var e = $1; e.id = "e\($0)"; return e }
    }

    /// `l`: the timeline, while it loads, empty, with a mix of events, and scrolled.
    @Test func timeline() {
        let open = Sample.state { $0.selected = 0 }.after([.char("l")])
        Self.check("timeline-loading", open)
        Self.check("timeline-empty", open.after(then: [.activityLoaded(schemeID: "s-linear", events: [])]))
        let mixed = open.after(then: [.activityLoaded(schemeID: "s-linear", events: Self.activity)])
        Self.check("timeline", mixed, noColor: true)
        let scrolled = mixed.after(Array(repeating: .down, count: 6))
        Self.check("timeline-scrolled", scrolled)
        // A new event while scrolled keeps the rows in view; at the top, the newest shows first.
        var more = Self.activity
        more.append(ActivityEvent(.refreshed, at: Sample.now, scheme: "s-linear", connection: "linear") { $0.id = "new"; $0.by = "token"; $0.milliseconds = 80 })
        guard case .timeline(let p) = scrolled.after(then: [.activityLoaded(schemeID: "s-linear", events: more)]).panel else { Issue.record("panel"); return }
        #expect(p.scroll == 7 && p.events?.first?.id == "new", "scroll \(p.scroll)")
        #expect(mixed.after(then: [.activityChanged]) == mixed.after(then: [.activityChanged]))
        var state = mixed
        #expect(reduce(&state, .activityChanged) == [.loadActivity(schemeID: "s-linear")])
    }

    @Test func help() { Self.check("help", Sample.state().after([.char("?")])) }
    @Test func filter() { Self.check("filter", Sample.state().after([.char("/"), .char("n"), .char("o")])) }
    @Test func tooSmall() { Self.check("too-small", Sample.state { $0.width = 50; $0.height = 12 }) }
    @Test func wide() { Self.check("wide-120x30", Sample.state { $0.width = 120; $0.height = 30; $0.selected = 4 }) }
}
