import Acquisition
import EngineTestSupport
import Foundation
import SwitchboardCore
import SwitchboardFixtures
import SwitchboardTestSupport
import Testing

/// The real binary in tmux: connect with keys, watch a refresh, disconnect, quit, terminal restored.
@Suite(.serialized) struct ScreenEndToEndTests {
    @Test(.enabled(if: TmuxSession.available, "tmux is installed by .ci/run"))
    func connectRefreshDisconnectQuit() async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        try await withFixture(OAuthFixture.start(FixtureOptions { $0.accessTokenLifetime = 6; $0.revocation = true })) { fixture in
            let bin = BinaryRunner.binary.path
            let added = try await BinaryRunner.runDetached(["add", "fx", fixture.serverURL.absoluteString, "--home", tmp.url.path])
            #expect(added.status == 0)
            let command = "env BROWSER='\(bin) headless-browser' TERM=xterm-256color \(bin) --home \(tmp.url.path); echo SCREEN-EXITED-$?; sleep 30"
            try await TmuxSession.run(command: command) { try await steps($0, fixture) }
        }
    }

    func steps(_ tmux: TmuxSession, _ fixture: OAuthFixture) async throws {

        try await tmux.waitFor("○ not connected")
        try await tmux.send("c")
        try await tmux.waitFor("✓ Connected")
        try await tmux.send("Enter")
        let connected = try await tmux.waitFor("● connected")
        #expect(connected.contains("Switchboard ─ 1 connection"))

        // A refresh happens on its own (6-second tokens are refreshed 1.5 s before expiry) and shows in the detail pane.
        let refreshed = try await tmux.waitFor("ago (ok)", timeout: .seconds(20))
        #expect(fixture.counters.refreshes >= 1)
        #expect(refreshed.contains("● connected"))

        // The doctor, from the detail pane: replays discovery, knows the stored client, shows no secret.
        #expect(refreshed.contains("D doctor"))
        try await tmux.send("D")
        let doctor = try await tmux.waitFor("PKCE S256         yes")
        #expect(doctor.contains("Doctor: fx"))
        try await tmux.send("NPage")
        let plan = try await tmux.waitFor("Reuse the stored client")
        for token in fixture.issuedSecrets { #expect(!doctor.contains(token) && !plan.contains(token)) }
        try await tmux.send("Escape")
        try await tmux.waitFor("D doctor")

        try await tmux.send("d")
        try await tmux.waitFor("Disconnect? y / N")
        try await tmux.send("y")
        try await tmux.waitFor("revoked at the server")
        try await tmux.send("Enter")
        try await tmux.waitFor("○ not connected")
        #expect(fixture.counters.revocations.count == 2)

        try await tmux.send("q")
        let after = try await tmux.waitFor("SCREEN-EXITED-0")
        #expect(!after.contains("Switchboard ─"), "the terminal was restored")
    }
}

@Suite(.serialized) struct ScreenPasteBackTests {
    /// The URL shown in the Connect panel, read back off the screen.
    static func authorizationURL(in screen: String) -> String? {
        var collecting = false
        var url = ""
        for line in screen.components(separatedBy: "\n") {
            // At 80 columns the panel is 76 wide from column 2: its text runs from column 4 to 76.
            let chars = Array(line)
            guard chars.count > 4 else { continue }
            let content = String(chars[4..<min(chars.count, 76)]).trimmingCharacters(in: .whitespaces)
            if content.hasPrefix("Remote session") { collecting = true; continue }
            if collecting {
                if content.hasPrefix("Then press p") || content.isEmpty { break }
                url += content
            }
        }
        return url.isEmpty ? nil : url
    }

    @Test(.enabled(if: TmuxSession.available, "tmux is installed by .ci/run"))
    func pasteBackSignInWithKeys() async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        try await withFixture(OAuthFixture.start()) { fixture in
            let bin = BinaryRunner.binary.path
            _ = try await BinaryRunner.runDetached(["add", "fx", fixture.serverURL.absoluteString, "--home", tmp.url.path])
            // An SSH session: no browser opens on this machine.
            let command = "env -u DISPLAY -u BROWSER SSH_CONNECTION='10.0.0.1 5 10.0.0.2 22' TERM=xterm-256color \(bin) --home \(tmp.url.path); echo SCREEN-EXITED-$?; sleep 30"
            try await TmuxSession.run(command: command) { try await steps($0, fixture) }
        }
    }

    func steps(_ tmux: TmuxSession, _ fixture: OAuthFixture) async throws {
        try await tmux.waitFor("○ not connected")
        try await tmux.send("c")
        let waiting = try await tmux.waitFor("ssh -L")
        let url = try #require(Self.authorizationURL(in: waiting).flatMap(URL.init(string:)), "\(waiting)")
        // The person signs in on their laptop; the browser ends on an address that does not load there.
        let address = try #require(await HeadlessBrowser.addressOfCallback(url))
        try await tmux.send("p")
        try await tmux.waitFor("Address the browser ended on")
        // First a wrong one: refused, and the flow keeps waiting.
        try await tmux.send("-l", "http://127.0.0.1:1/callback?code=x&state=forged")
        try await tmux.send("Enter")
        try await tmux.waitFor("does not belong to this sign-in")
        for _ in 0..<60 { try await tmux.send("BSpace") }
        try await tmux.send("-l", address)
        try await tmux.send("Enter")
        try await tmux.waitFor("✓ Connected")
        try await tmux.send("Enter")
        try await tmux.waitFor("● connected")
        try await tmux.send("q")
        try await tmux.waitFor("SCREEN-EXITED-0")
    }
}

/// The manual path on the screen: registration refused, `m`, the client id typed in, connected.
@Suite(.serialized) struct ScreenManualClientTests {
    @Test(.enabled(if: TmuxSession.available, "tmux is installed by .ci/run"))
    func refusedRegistrationThenOwnClientWithKeys() async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        try await withFixture(OAuthFixture.start(FixtureOptions { $0.registration = .closed })) { fixture in
            let bin = BinaryRunner.binary.path
            // The redirect port is fixed in advance from the test ports: one the refusal chose itself would lie
            // where every sign-in running in parallel chooses its port, and was seen taken by another test's
            // listener before the sign-in with the typed-in client (TestPort).
            let port = try TestPort.pick()
            let add = try await BinaryRunner.runDetached(["add", "figma", fixture.serverURL.absoluteString, "--redirect-port", "\(port)", "--home", tmp.url.path])
            #expect(add.status == 0, "\(add.stderr)")
            let command = "env BROWSER='\(bin) headless-browser' TERM=xterm-256color \(bin) --home \(tmp.url.path); echo SCREEN-EXITED-$?; sleep 30"
            try await TmuxSession.run(command: command) { tmux in
                try await tmux.waitFor("○ not connected")
                try await tmux.send("c")
                try await tmux.waitFor("does not allow self-registration")
                try await tmux.send("Enter")
                try await tmux.waitFor("m client")
                try await tmux.send("m")
                let form = try await tmux.waitFor("Use your own client for figma")
                // The redirect URI the refusal named is the one the form keeps: register exactly that.
                let uri = try #require(form.firstMatch(of: /Redirect URI\s+(http:\/\/127\.0\.0\.1:\d+\/callback)/)?.1, "\(form)")
                #expect(uri == "http://127.0.0.1:\(port)/callback", "\(form)")
                fixture.preregister(clientID: "dash-42", redirectURIs: [String(uri)])
                try await tmux.send("-l", "dash-42")
                try await tmux.send("Enter")
                try await tmux.waitFor("now signs in with your client")
                try await tmux.send("c")
                try await tmux.waitFor("✓ Connected")
                try await tmux.send("Enter")
                let connected = try await tmux.waitFor("● connected")
                #expect(connected.contains("oauth (manual)") || connected.contains("dash-42"), "\(connected)")
                #expect(fixture.counters.lastAuthorizationQuery["redirect_uri"] == String(uri))
                try await tmux.send("q")
                try await tmux.waitFor("SCREEN-EXITED-0")
            }
        }
    }
}

/// The activity timeline in the real binary: the demo's short-lived connection refreshes while `l` is open and
/// the line appears without a key press; a `switchboard token` run by another process shows as its own line.
@Suite(.serialized) struct TimelineEndToEndTests {
    @Test(.enabled(if: TmuxSession.available, "tmux is installed by .ci/run"))
    func theTimelineUpdatesLive() async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let bin = BinaryRunner.binary.path
        let command = "env TERM=xterm-256color TZ=UTC \(bin) demo --home \(tmp.url.path); echo SCREEN-EXITED-$?; sleep 30"
        try await TmuxSession.run(command: command, height: 30) { tmux in
            try await tmux.waitFor("shortlived")
            try await tmux.send("j")
            try await tmux.send("c")
            try await tmux.waitFor("✓ Connected")
            try await tmux.send("Enter")
            try await tmux.send("l")
            try await tmux.waitFor("connected by screen (browser)")
            // 40-second tokens: the screen's refresher renews this one about 30 s after the sign-in.
            let refreshed = try await tmux.waitFor("refreshed by screen", timeout: .seconds(60))
            #expect(refreshed.contains("Activity: shortlived"))
            // Another program asks for the token once it is due (time passes for the stored token, not the test).
            try StoredTokens.age(home: tmp.url, by: 35)
            let token = try await BinaryRunner.runDetached(["token", "shortlived", "--home", tmp.url.path])
            #expect(token.status == 0, "\(token.stderr)")
            let byToken = try await tmux.waitFor("refreshed by token")
            #expect(!byToken.contains(token.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), "no token on screen")
            try await tmux.send("Escape")
            try await tmux.send("q")
            try await tmux.waitFor("SCREEN-EXITED-0")
        }
    }
}
