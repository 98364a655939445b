import Canvas
import Foundation
import SwitchboardApp
import SwitchboardCore
import Testing

/// Fixed data and a fixed clock for every golden.
enum Sample {
    static let now = Date(timeIntervalSince1970: 1_795_000_000) // 2026-11-18 06:13:20 UTC

    static var connections: [Connection] {
        func c(_ name: String, _ url: String, _ kind: AuthScheme.Kind, _ status: SchemeStatus, info: SchemeInfo = SchemeInfo()) -> Connection {
            Connection(id: "c-\(name)", name: name, serverURL: URL(string: url)!,
                       schemes: [AuthScheme(id: "s-\(name)", kind: kind, status: status, info: info)])
        }
        return [
            c("linear", "https://mcp.linear.app/mcp", .oauthDynamic, .connected(expiresAt: now.addingTimeInterval(54 * 60)),
              info: SchemeInfo(issuer: "https://mcp.linear.app", clientID: "client-7f3a9b2c41", grantedScopes: ["read", "write"],
                               lastRefreshAt: now.addingTimeInterval(-600), lastRefreshResult: "ok", supportsRevocation: true).withEra("2026-07-28")),
            c("github", "https://api.githubcopilot.com/mcp/", .bearer, .connected(expiresAt: nil)),
            c("notion", "https://mcp.notion.com/mcp", .oauthDynamic, .expired(reason: "The server refused the refresh (invalid_grant).", since: now.addingTimeInterval(-120)),
              info: SchemeInfo(issuer: "https://api.notion.com", clientID: "notion-client-1")),
            c("sentry", "https://mcp.sentry.dev/mcp", .oauthDynamic, .refreshing),
            c("figma", "https://mcp.figma.com/mcp", .oauthDynamic, .error(
                message: "The authorization server https://www.figma.com refused to register a client (HTTP 403); it does not allow self-registration.",
                remedy: "Register a client in the provider's developer dashboard with the redirect URI http://127.0.0.1:33418/callback, then run `switchboard set-client figma --client-id ID` (add `--client-secret-stdin` if it has a secret) and connect again; Switchboard keeps that redirect URI for this connection.")),
            c("local", "http://127.0.0.1:8080/mcp", .oauthDynamic, .notConnected),
            c("internal", "https://tools.internal.example.com/v2/very/long/path/mcp", .none, .notConnected),
        ]
    }

    static func figmaSelected(_ s: inout AppState) { s.selected = s.connections.firstIndex { $0.name == "figma" } ?? 0 }

    static func state(_ configure: (inout AppState) -> Void = { _ in }) -> AppState {
        var s = AppState(connections: connections, now: now)
        configure(&s)
        return s
    }
}

@Suite struct ScreenGoldenTests {
    static let screens = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Screens").standardized

    static func check(_ name: String, _ state: AppState) {
        let rendered = MainView.render(state).text
        let file = screens.appendingPathComponent(name + ".txt")
        if ProcessInfo.processInfo.environment["SWITCHBOARD_RECORD_SCREENS"] == "1" {
            try? rendered.write(to: file, atomically: true, encoding: .utf8)
            return
        }
        guard let golden = try? String(contentsOf: file, encoding: .utf8) else {
            Issue.record("missing golden \(file.lastPathComponent); record with SWITCHBOARD_RECORD_SCREENS=1 swift test --filter ScreenGoldenTests")
            return
        }
        if golden != rendered {
            let a = golden.components(separatedBy: "\n"), b = rendered.components(separatedBy: "\n")
            var diff = "\(name): the screen differs from Screens/\(name).txt\n"
            for i in 0..<max(a.count, b.count) where (a.indices.contains(i) ? a[i] : "") != (b.indices.contains(i) ? b[i] : "") {
                diff += "row \(i):\n  golden:   \(a.indices.contains(i) ? a[i] : "")\n  rendered: \(b.indices.contains(i) ? b[i] : "")\n"
            }
            Issue.record(Comment(rawValue: diff))
        }
    }

    @Test func emptyList() { Self.check("empty-list", AppState(now: Sample.now)) }
    @Test func listWithEveryBadge() { Self.check("list-every-badge", Sample.state { $0.selected = 1 }) }
    @Test func detailPane() { Self.check("detail-pane", Sample.state { $0.selected = 0 }) }

    /// A server issuing 1-second tokens: the detail pane says so, and how Switchboard paces its refreshes.
    @Test func detailPaneShortLivedTokens() {
        Self.check("detail-pane-short-tokens", Sample.state {
            $0.selected = 0
            $0.connections[0].schemes[0].status = .connected(expiresAt: Sample.now.addingTimeInterval(1))
            $0.connections[0].schemes[0].info.tokenLifetime = 1
        })
    }

    /// The doctor view over the list, filled with the report golden the doctor test records from a real fixture.
    @Test func doctorRunningAndReport() throws {
        Self.check("doctor-running", Sample.state { $0.selected = 5; $0.panel = .doctor(DoctorPanel(name: "local")) })
        // The command's report less its first line (the version, which `switchboard doctor` prints and the panel does not).
        let report = try String(contentsOf: Self.screens.appendingPathComponent("doctor-report.txt"), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { $0 != "switchboard VERSION" }
        Self.check("doctor-view", Sample.state { $0.selected = 5; $0.panel = .doctor(DoctorPanel(name: "fixture", lines: report)) })
        var scrolled = DoctorPanel(name: "fixture", lines: report)
        scrolled.scroll = 11
        Self.check("doctor-view-scrolled", Sample.state { $0.selected = 5; $0.panel = .doctor(scrolled) })
    }

    @Test func connectInProgress() {
        var p = ConnectPanel(schemeID: "s-local", name: "local", reconnect: false)
        p.done = [.probe: "", .resourceMetadata: "http://127.0.0.1:8080/.well-known/oauth-protected-resource"]
        p.current = .authorizationServer
        Self.check("connect-in-progress", Sample.state { $0.selected = 5; $0.panel = .connect(p) })
    }

    @Test func waitingForBrowser() {
        var p = ConnectPanel(schemeID: "s-local", name: "local", reconnect: false)
        p.done = [.probe: "", .resourceMetadata: "http://127.0.0.1:8080/.well-known/oauth-protected-resource",
                  .authorizationServer: "http://127.0.0.1:8080", .client: "registered client-1-abc"]
        p.current = .browser
        p.authorizationURL = "http://127.0.0.1:8080/authorize?response_type=code&client_id=client-1-abc&redirect_uri=http%3A%2F%2F127.0.0.1%3A40123%2Fcallback&state=Zm9v&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256&resource=http%3A%2F%2F127.0.0.1%3A8080%2Fmcp"
        Self.check("waiting-for-browser", Sample.state { $0.selected = 5; $0.panel = .connect(p) })
    }

    @Test func connected() {
        var p = ConnectPanel(schemeID: "s-local", name: "local", reconnect: false)
        for step in ConnectPanel.Step.allCases { p.done[step] = "" }
        p.done[.authorizationServer] = "http://127.0.0.1:8080"
        p.done[.client] = "reused client-1-abc"
        p.done[.connected] = "until 2026-11-18 07:13 UTC"
        p.current = .connected
        p.finished = true
        Self.check("connected", Sample.state { $0.selected = 5; $0.panel = .connect(p) })
    }

    @Test func reconnectExpired() {
        var p = ConnectPanel(schemeID: "s-notion", name: "notion", reconnect: true)
        p.done = [.probe: "", .resourceMetadata: "https://mcp.notion.com/.well-known/oauth-protected-resource/mcp"]
        p.current = .authorizationServer
        Self.check("reconnect-expired", Sample.state { $0.selected = 2; $0.panel = .connect(p) })
    }

    @Test func disconnectConfirmation() {
        Self.check("disconnect-confirm", Sample.state { $0.panel = .disconnect(DisconnectPanel(schemeID: "s-linear", name: "linear", revokes: true)) })
    }

    @Test func closedRegistrationError() {
        var p = ConnectPanel(schemeID: "s-figma", name: "figma", reconnect: true)
        p.done = [.probe: "", .resourceMetadata: "https://mcp.figma.com/.well-known/oauth-protected-resource", .authorizationServer: "https://www.figma.com"]
        p.current = .client
        p.finished = true
        if case .error(let m, let r) = Sample.connections[4].schemes[0].status { p.failure = AcquisitionError(.registrationRefused, m, remedy: r) }
        Self.check("closed-registration-error", Sample.state { $0.selected = 4; $0.panel = .connect(p) })
    }

    /// The person's client secret would go to a new authorization server: the panel stops and asks.
    /// Reached through the reducer: a Connect in progress, then the engine's failure.
    @Test func clientIssuerChangedAsks() {
        var state = Sample.state { $0.selected = 4 }
        _ = reduce(&state, .keyPressed(.char("r")))
        let error = AcquisitionError(.clientIssuerChanged,
            "The client secret you entered for figma belongs to https://www.figma.com, but the server now names https://auth.figma-new.example as its authorization server; Switchboard did not send the secret there.",
            remedy: "If the move is expected and the same client works there, run `switchboard connect figma --trust-new-issuer` (on the screen: y); if the new server needs its own client, enter it with `switchboard set-client figma --client-id ID --client-secret-stdin` (on the screen: m).")
        guard case .connect(let p) = state.panel else { Issue.record("r did not open the Reconnect panel"); return }
        for event: AcquisitionEvent in [.probing(server: "https://mcp.figma.com/mcp"),
                                        .resourceMetadataFound(url: "https://mcp.figma.com/.well-known/oauth-protected-resource"),
                                        .authorizationServerFound(issuer: "https://auth.figma-new.example"), .failed(error)] {
            _ = reduce(&state, .acquisition(SchemeUpdate(schemeID: p.schemeID, event: event)))
        }
        Self.check("client-issuer-changed", state)
        // y connects again, trusting the new server; m opens the client form instead.
        var yes = state
        #expect(reduce(&yes, .keyPressed(.char("y"))) == [.startConnect(schemeID: p.schemeID, device: false, trustNewIssuer: true)])
        var other = state
        _ = reduce(&other, .keyPressed(.char("m")))
        guard case .client = other.panel else { Issue.record("m did not open the client form"); return }
    }

    @Test func addForm() {
        var form = AddForm()
        form.name = "internal"
        form.url = "http://tools.example.com/mcp"
        form.kind = .bearer
        form.token = "sk-canary-secret"
        form.focus = .token
        form.error = "`http://tools.example.com/mcp` uses http to a host that is not loopback; use https"
        let state = Sample.state { $0.panel = .add(form) }
        Self.check("add-form", state)
        #expect(!MainView.render(state).text.contains("canary"), "the token is never drawn")
    }

    @Test func clientForm() {
        var form = ClientForm(name: "figma", clientID: nil, redirectPort: 33418)
        form.clientID = "dash-7f3a"
        form.secret = "sbcanary-client-secret"
        form.focus = .secret
        let state = Sample.state { Sample.figmaSelected(&$0); $0.panel = .client(form) }
        Self.check("client-form", state)
        #expect(!MainView.render(state).text.contains("sbcanary"), "the secret is never drawn")
        form.secret = ""
        form.focus = .port
        form.port = "80"
        form.error = "the redirect port must be between 1024 and 65535 (it becomes http://127.0.0.1:PORT/callback)"
        Self.check("client-form-error", Sample.state { Sample.figmaSelected(&$0); $0.panel = .client(form) })
    }

    @Test func removeConfirmation() { Self.check("remove-confirm", Sample.state { $0.selected = 6; $0.panel = .remove(name: "internal") }) }

    static var waitingPanel: ConnectPanel {
        var p = ConnectPanel(schemeID: "s-local", name: "local", reconnect: false)
        p.done = [.probe: "", .resourceMetadata: "http://127.0.0.1:8080/.well-known/oauth-protected-resource",
                  .authorizationServer: "http://127.0.0.1:8080", .client: "reused client-1-abc"]
        p.current = .browser
        p.redirectURI = "http://127.0.0.1:40123/callback"
        p.authorizationURL = "http://127.0.0.1:8080/authorize?response_type=code&client_id=client-1-abc&redirect_uri=http%3A%2F%2F127.0.0.1%3A40123%2Fcallback&state=Zm9v&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256"
        return p
    }

    @Test func remoteSignIn() {
        Self.check("remote-sign-in", Sample.state { $0.selected = 5; $0.remote = "this is an SSH session"; $0.panel = .connect(Self.waitingPanel) })
    }

    @Test func remotePasting() {
        var p = Self.waitingPanel
        p.pasting = true
        p.pasteText = "http://127.0.0.1:40123/callback?code=code-9&state=forged"
        p.pasteError = "The sign-in response does not belong to this sign-in (its state does not match)."
        Self.check("remote-paste-refused", Sample.state { $0.selected = 5; $0.remote = "this is an SSH session"; $0.panel = .connect(p) })
    }

    @Test func deviceCode() {
        var p = ConnectPanel(schemeID: "s-local", name: "local", reconnect: false)
        p.done = [.probe: "", .resourceMetadata: "http://127.0.0.1:8080/.well-known/oauth-protected-resource",
                  .authorizationServer: "http://127.0.0.1:8080", .client: "reused client-1-abc"]
        p.current = .browser
        p.usesDevice = true
        p.deviceCode = ("WDJB-MJHT", "https://auth.example.com/activate", "https://auth.example.com/activate?user_code=WDJB-MJHT")
        Self.check("device-code", Sample.state { $0.selected = 5; $0.remote = "this is an SSH session"; $0.panel = .connect(p) })
    }

    @Test func help() { Self.check("help", Sample.state { $0.panel = .help }) }
    @Test func filter() { Self.check("filter", Sample.state { $0.filter = "no"; $0.filtering = true }) }
    @Test func tooSmall() { Self.check("too-small", Sample.state { $0.width = 50; $0.height = 12 }) }
    @Test func wide() { Self.check("wide-120x30", Sample.state { $0.width = 120; $0.height = 30; $0.selected = 4 }) }
}

extension SchemeInfo {
    func withEra(_ era: String) -> SchemeInfo {
        var copy = self
        copy.mcpEra = era
        return copy
    }
}
