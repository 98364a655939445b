import Canvas
import Foundation
import SwitchboardApp
import SwitchboardCore
import SwitchboardTestSupport
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
                message: "The authorization server https://www.figma.com refused to register a client (HTTP 403; it said: “registration requires an account”); it does not allow self-registration.",
                remedies: [RemedyStep(.advice("Register a client in the provider's developer dashboard with the redirect URI http://127.0.0.1:33418/callback")),
                           RemedyStep(.setClient(connection: "figma", secret: false, issuer: false), when: "Then, to use it"),
                           RemedyStep(.connect(connection: "figma"), when: "Then, to sign in with it"),
                           RemedyStep(.advice("Switchboard keeps that redirect URI for this connection."))])),
            c("local", "http://127.0.0.1:8080/mcp", .oauthDynamic, .notConnected),
            c("internal", "https://tools.internal.example.com/v2/very/long/path/mcp", .none, .notConnected),
        ]
    }

    /// Two bridges serving linear: one busy and well, one whose last request failed.
    static let bridges: [BridgeRecord] = [
        BridgeRecord(pid: 48213, scheme: "s-linear", connection: "linear", clientName: "Claude Desktop", clientVersion: "0.9.2",
                     startedAt: now.addingTimeInterval(-12 * 60 - 5), requests: 1204),
        BridgeRecord(pid: 48377, scheme: "s-linear", connection: "linear", clientName: "Cursor", clientVersion: "1.7.3",
                     startedAt: now.addingTimeInterval(-3 * 60), requests: 37,
                     lastError: "HTTP 502 from https://mcp.linear.app/mcp", lastErrorAt: now.addingTimeInterval(-60)),
    ]
    /// One bridge for github, from a client that sent no version.
    static let githubBridge = BridgeRecord(pid: 51002, scheme: "s-github", connection: "github", clientName: "Zed",
                                           startedAt: now.addingTimeInterval(-2 * 3600), requests: 3)

    static func figmaSelected(_ s: inout AppState) { s.selected = s.connections.firstIndex { $0.name == "figma" } ?? 0 }

    static func state(_ configure: (inout AppState) -> Void = { _ in }) -> AppState {
        var s = AppState(connections: connections, now: now)
        configure(&s)
        return s
    }
}

/// Reaches a screen the way a person does: keys and the engine's events through `reduce`.
extension AppState {
    func after(_ keys: [Key] = [], _ events: [AcquisitionEvent] = [], scheme: String? = nil, then actions: [AppAction] = []) -> AppState {
        var s = self
        for key in keys { _ = reduce(&s, .keyPressed(key)) }
        let id = scheme ?? s.selectedConnection?.primaryScheme?.id ?? ""
        for event in events { _ = reduce(&s, .acquisition(SchemeUpdate.fromEngine(schemeID: id, event: event))) }
        for action in actions { _ = reduce(&s, action) }
        return s
    }
}

enum Events {
    static let local = "http://127.0.0.1:8080"
    static let discovered: [AcquisitionEvent] = [.probing(server: local + "/mcp"), .resourceMetadataFound(url: local + "/.well-known/oauth-protected-resource")]
    static let client: [AcquisitionEvent] = discovered + [.authorizationServerFound(issuer: local), .clientReused(clientID: "client-1-abc")]
    static let authorize = URL(string: local + "/authorize?response_type=code&client_id=client-1-abc&redirect_uri=http%3A%2F%2F127.0.0.1%3A40123%2Fcallback&state=Zm9v&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256")!
    static let waiting: [AcquisitionEvent] = client + [.waitingForBrowser(url: authorize, redirectURI: "http://127.0.0.1:40123/callback", browserOpened: true)]
}

@Suite struct ScreenGoldenTests {
    /// The text and the style mask, each against its golden; `noColor` adds the mask as drawn under NO_COLOR.
    static func check(_ name: String, _ state: AppState, noColor: Bool = false) {
        let buffer = MainView.render(state)
        for cut in CutText.find(in: buffer) { Issue.record("Screens/\(name).txt: \(cut)") }
        compare(name + ".txt", buffer.text)
        compare(name + ".style", buffer.styleMask)
        if noColor {
            let plain = MainView.render(state, colors: false)
            #expect(plain.text == buffer.text, "NO_COLOR changes styles only")
            compare(name + ".no-color.style", plain.styleMask)
        }
    }

    static func compare(_ fileName: String, _ rendered: String) {
        if let mismatch = Golden.mismatch(fileName, rendered) { Issue.record(Comment(rawValue: mismatch)) }
    }

    @Test func emptyList() { Self.check("empty-list", AppState(now: Sample.now)) }
    @Test func listWithEveryBadge() { Self.check("list-every-badge", Sample.state { $0.selected = 1 }, noColor: true) }
    @Test func detailPane() { Self.check("detail-pane", Sample.state { $0.selected = 0 }) }

    /// The detail pane of a connection two bridges serve: client, pid, since, requests, last error; the pane grows
    /// by their lines, and the list rows show how many bridges serve each connection.
    @Test func detailPaneWithBridges() {
        let state = Sample.state().after(then: [.bridgesLoaded(Sample.bridges + [Sample.githubBridge])])
        Self.check("detail-pane-bridges", state)
        let rows = MainView.render(state).rows
        #expect(rows[2].contains("⇄2") && rows[3].contains("⇄1"), Comment(rawValue: rows[2] + "\n" + rows[3]))
        #expect(rows.allSatisfy { $0.displayWidth <= 80 })
    }

    /// A row with a bridge count, the selected connection without bridges (the pane keeps its size); without
    /// colour the count reads the same.
    @Test func listWithBridgeCounts() {
        let state = Sample.state { $0.selected = 2 }.after(then: [.bridgesLoaded(Sample.bridges + [Sample.githubBridge])])
        Self.check("list-bridges", state, noColor: true)
        #expect(Layout(for: state) == Layout(width: 80, height: 24))
    }

    /// Wide glyphs where a server puts them (names are ASCII, `Connection.validateName`): a CJK server host and
    /// issuer, an emoji and CJK in a server's reply, a combining mark in a host. Each wide glyph takes two columns
    /// and the columns after it still line up.
    @Test func wideGlyphs() throws {
        var state = Sample.state()
        var info = SchemeInfo(issuer: "https://知识库.example.cn", clientID: "client-知识")
        info.lastCheck = "ok · 知识库服务 1.0 · 2026-07-28 · 3 tools 🔧"
        info.lastCheckAt = Sample.now
        state.connections.insert(Connection(id: "c-wiki", name: "wiki", serverURL: URL(string: "https://知识库.example.cn/mcp")!,
                                            schemes: [AuthScheme(id: "s-wiki", kind: .oauthDynamic, status: .connected(expiresAt: Sample.now.addingTimeInterval(3000)), info: info)]), at: 1)
        state.connections.insert(Connection(id: "c-cafe", name: "cafe-docs", serverURL: URL(string: "https://cafe\u{301}.example.fr/mcp")!,
                                            schemes: [AuthScheme(id: "s-cafe", kind: .bearer, status: .connected(expiresAt: nil))]), at: 2)
        state.selected = 1
        Self.check("wide-glyphs", state, noColor: true)
        // A host is shown as the URL keeps it (punycode); the server's own words keep their glyphs in the pane.
        let pane = MainView.render(state).rows
        #expect(pane.contains { $0.contains("https://知识库.example.cn") && $0.hasSuffix("│") }, Comment(rawValue: pane.joined(separator: "\n")))
        // Counted in display columns, everything lines up. The list: every row's badge sits under STATUS
        // (rows 2–10 are the nine connections; the wiki and cafe-docs rows hold their punycode hosts).
        let rows = MainView.render(state).rows
        let status = try #require(rows[1].range(of: "STATUS").map { String(rows[1][..<$0.lowerBound]).displayWidth })
        for row in rows[2...10] {
            let badge = row.firstIndex { "●✕◌!○".contains($0) }.map { String(row[..<$0]).displayWidth }
            #expect(badge == status, Comment(rawValue: rows[1] + "\n" + row))
        }
        // The pane: its rows with wide glyphs (issuer, client, the server's reply) are as wide as its border and
        // end in its right edge, like the rows without.
        let box = rows[13...22]
        #expect(box.allSatisfy { $0.displayWidth == 80 }, Comment(rawValue: box.map { "\($0.displayWidth) \($0)" }.joined(separator: "\n")))
        #expect(box.dropFirst().dropLast().allSatisfy { $0.hasSuffix("│") }, Comment(rawValue: box.joined(separator: "\n")))
        #expect(box.filter { $0.contains("知识") || $0.contains("🔧") }.count == 3, "the wide glyphs are in the pane")
    }

    /// A server issuing 1-second tokens: the detail pane says so, and how Switchboard paces its refreshes.
    @Test func detailPaneShortLivedTokens() {
        Self.check("detail-pane-short-tokens", Sample.state {
            $0.selected = 0
            $0.connections[0].schemes[0].status = .connected(expiresAt: Sample.now.addingTimeInterval(1))
            $0.connections[0].schemes[0].info.tokenLifetime = 1
        })
    }

    /// The clock moves past a connected token's expiry with nothing written to the file (no scheduler running, or
    /// its server down): the row never says connected. linear's 40-second token renews on use; sentry's renewals
    /// fail (needs attention, counted in the header); local got no refresh token (sign in again).
    @Test func lapsedTokensAreNeverShownConnected() {
        let lapsed = Sample.state { s in
            s.selected = 0
            s.connections[0].schemes[0].status = .connected(expiresAt: Sample.now.addingTimeInterval(-18))
            s.connections[0].schemes[0].info.tokenLifetime = 40
            s.connections[0].schemes[0].info.renewable = true
            s.connections[3].schemes[0].status = .connected(expiresAt: Sample.now.addingTimeInterval(-52))
            s.connections[3].schemes[0].info.renewable = true
            s.connections[3].schemes[0].info.lastRefreshAt = Sample.now.addingTimeInterval(-60)
            s.connections[3].schemes[0].info.lastRefreshResult = "failed"
            s.connections[3].schemes[0].info.refreshFailures = 3
            s.connections[3].schemes[0].info.retryAt = Sample.now.addingTimeInterval(20)
            s.connections[5].schemes[0].status = .connected(expiresAt: Sample.now.addingTimeInterval(-5))
            s.connections[5].schemes[0].info.renewable = false
        }
        Self.check("lapsed-tokens", lapsed, noColor: true)
        let rows = MainView.render(lapsed).rows
        #expect(!rows.contains { $0.contains("● connected") }, "no lapsed token reads connected")
        #expect(rows[2].contains("◌ expired") && rows[2].contains("18s ago"), Comment(rawValue: rows[2]))
        #expect(rows[5].contains("✕ expired") && rows[7].contains("✕ expired"))
        #expect(rows.contains { $0.contains("│ status     ◌ expired 18s ago, renews on use") })
        #expect(rows[0].contains("4 need attention"), Comment(rawValue: rows[0]))
        var sentry = lapsed
        sentry.selected = 3
        Self.check("lapsed-renewal-failing", sentry)
        // Before its expiry, a token without a refresh token says it will need a sign-in.
        let once = Sample.state { s in
            s.selected = 5
            s.connections[5].schemes[0].status = .connected(expiresAt: Sample.now.addingTimeInterval(600))
            s.connections[5].schemes[0].info.renewable = false
        }
        Self.check("no-refresh-token", once)
        // At Connect, too: the finished panel says the token ends and a sign-in follows.
        let connectOnce = Sample.state { s in
            s.selected = 5
            s.connections[5].schemes[0].info.renewable = false
        }.after([.char("c")], Events.waiting + [.callbackReceived, .exchangingCode, .connected(expiresAt: Sample.now.addingTimeInterval(600))])
        Self.check("connect-no-refresh-token", connectOnce)
        #expect(MainView.render(connectOnce).rows.contains { $0.contains("No refresh token: the token ends at") })
        #expect(MainView.render(once).rows[7].contains("● no refresh"))
    }

    /// The doctor view over the list: D, then the report golden the doctor test records from a real fixture.
}

extension SchemeInfo {
    func withEra(_ era: String) -> SchemeInfo {
        var copy = self
        copy.mcpEra = era
        return copy
    }
}
