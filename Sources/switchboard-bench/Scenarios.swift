import Acquisition
import Canvas
import Foundation
import Logging
import SwitchboardApp
import SwitchboardCore
import SwitchboardFixtures
import SwitchboardWiring
#if canImport(Glibc)
import Glibc
#endif

enum Scenarios {
    static let all: [Scenario] = [
        Scenario(name: "connect", run: connect),
        Scenario(name: "valid-token", run: validToken),
        Scenario(name: "render", run: render),
        Scenario(name: "list-json", run: listJSON, wholeProcess: true),
        Scenario(name: "first-frame", run: firstFrame, wholeProcess: true),
        Scenario(name: "store-commit", run: storeCommit),
        Scenario(name: "refresh-storm", run: refreshStorm),
        Scenario(name: "activity-journal", run: activityJournal),
        Scenario(name: "idle-cpu", run: idleCPU, wholeProcess: true),
        Scenario(name: "helper-processes", run: helperProcesses, wholeProcess: true),
        Scenario(name: "command-processes", run: commandProcesses, wholeProcess: true),
        Scenario(name: "python-sdk", run: pythonSDK, wholeProcess: true),
        Scenario(name: "bridge", run: bridge, wholeProcess: true),
        Scenario(name: "bridge-start", run: bridgeStart, wholeProcess: true),
        Scenario(name: "roundtrips", run: roundTrips, wholeProcess: true),
    ]

    // MARK: - Set-up

    /// A fresh home under the temporary directory.
    static func home() -> SwitchboardHome {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-bench-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return SwitchboardHome(directory: dir)
    }

    /// The engine on a home against in-process fixture servers, signing in with the headless browser.
    /// The engine as every command builds it (SwitchboardWiring), with the headless browser.
    struct Wiring {
        let wired: SwitchboardWiring.Wiring
        var home: SwitchboardHome { wired.home }
        var integrations: ConnectionRegistry { wired.integrations }
        var http: AsyncHTTPTransport { wired.http }
        var actor: TokenKeeper { wired.actor }

        init(home: SwitchboardHome, refreshConcurrency: Int = 8, recordsActivity: Bool = true) {
            wired = SwitchboardWiring.Wiring(home: home, options: WiringOptions {
                $0.recordsActivity = recordsActivity
                $0.role = "bench"
                $0.browser = ClosureBrowser { url in await HeadlessBrowser.visit(url) != nil }
                $0.encryption = .disabled
                $0.http.proxy = ProxySettings(server: nil, noProxy: [])
                $0.refreshConcurrency = refreshConcurrency
                $0.logger.logLevel = .critical
            })
        }

        /// Connects; returns the nanoseconds until `.connected` (tokens durable and cached) and until the
        /// stream ended (the status line in integrations.json written too).
        @discardableResult
        func connect(_ schemeID: String) async throws -> (connected: UInt64, ended: UInt64) {
            var last: AcquisitionEvent?
            let t0 = Clock.now()
            var connectedAt: UInt64 = 0
            for await e in await actor.connect(schemeID: schemeID, options: ConnectOptions()) {
                last = e
                if case .connected = e { connectedAt = Clock.now() - t0 }
            }
            guard case .connected = last else { throw Child.ValidationFailure("connect failed: \(String(describing: last))") }
            return (connectedAt, Clock.now() - t0)
        }

        func remove() { try? FileManager.default.removeItem(at: home.directory) }
    }

    /// `n` connections as a person might have them: mostly OAuth, some static, a few needing attention.
    static func connections(_ n: Int, now: Date = Date()) -> [Connection] {
        (0..<n).map { i in
            let status: SchemeStatus = switch i % 10 {
            case 0: .expired(reason: "The server refused the refresh (invalid_grant).", since: now.addingTimeInterval(-300))
            case 1, 2: .notConnected
            default: .connected(expiresAt: now.addingTimeInterval(Double(600 + i % 3000)))
            }
            let kind: AuthScheme.Kind = i % 7 == 0 ? .bearer : .oauthDynamic
            return Connection(name: "server-\(i)", serverURL: URL(string: "https://mcp\(i).example.com/mcp")!,
                              schemes: [AuthScheme(kind: kind, status: kind == .bearer ? .connected(expiresAt: nil) : status,
                                                   info: SchemeInfo(issuer: "https://auth\(i % 50).example.com", clientID: "client-\(i)"))])
        }
    }

    /// A scheme's secrets as a real connect leaves them (registration + rotating tokens).
    static func sampleSecrets(_ i: Int, issuer: String = "https://auth.example.com") -> SchemeSecrets {
        let reg = ClientRegistration(issuer: issuer, clientID: "client-\(i)-\(UUID().uuidString)", authMethod: "none",
                                     redirectURI: "http://127.0.0.1:43123/callback", registeredAt: Date())
        let tokens = TokenSet(accessToken: "at-\(UUID().uuidString)-\(UUID().uuidString)", refreshToken: "rt-\(UUID().uuidString)",
                              expiresAt: Date().addingTimeInterval(3600), scopes: ["mcp:tools", "offline_access"],
                              resource: "https://s\(i).example.com/mcp", issuer: issuer, clientID: reg.clientID,
                              tokenEndpoint: issuer + "/token", revocationEndpoint: issuer + "/revoke", obtainedAt: Date())
        return SchemeSecrets(registrations: [issuer: reg], tokens: tokens)
    }

    /// A home holding `n` connections, each with stored secrets.
    static func populatedHome(_ n: Int) throws -> SwitchboardHome {
        let home = home()
        try populate(home, n)
        return home
    }

    static func populate(_ home: SwitchboardHome, _ n: Int) throws {
        let list = connections(n)
        try ConnectionStore(home: home).update { $0.connections = list }
        try SecretStore(home: home, encryption: .disabled, warn: { _ in }).update { file in
            for (i, c) in list.enumerated() { file.schemes[c.schemes[0].id] = sampleSecrets(i) }
        }
    }

    // MARK: - Scenarios

    /// The whole connect flow against the in-process fixture with the headless browser, and a reconnect
    /// that reuses the registration.
    static func connect(_ quick: Bool) async throws -> [Result] {
        let fixture = try await OAuthFixture.start(FixtureOptions())
        let engine = Wiring(home: home())
        defer { engine.remove() }
        let runs = quick ? 30 : 200
        // A home of 20 connections; each timed connect signs in a new one (removed afterwards, untimed).
        for c in connections(19) { _ = try engine.integrations.connections.update { $0.connections.append(c) } }
        let kept = try engine.integrations.add(NewConnection(name: "kept", url: fixture.serverURL.absoluteString)).schemes[0].id
        var fresh: [Double] = [], freshEnded: [Double] = []
        for i in 0..<(runs + 5) {
            let name = "fx\(i)"
            let id = try engine.integrations.add(NewConnection(name: name, url: fixture.serverURL.absoluteString)).schemes[0].id
            // A new server each time, as far as the engine knows: nothing remembered from the last flow.
            await engine.actor.forgetDiscoveries()
            let t = try await engine.connect(id)
            if i >= 5 {
                fresh.append(Double(t.connected) / ms)
                freshEnded.append(Double(t.ended) / ms)
            }
            _ = try engine.integrations.remove(named: name)
        }
        try await engine.connect(kept)
        let registrations = fixture.counters.registrations
        var again: [Double] = [], againEnded: [Double] = []
        for i in 0..<(runs + 5) {
            let t = try await engine.connect(kept)
            if i >= 5 {
                again.append(Double(t.connected) / ms)
                againEnded.append(Double(t.ended) / ms)
            }
        }
        let reused = fixture.counters.registrations == registrations
        let endedFresh = Result("", unit: "ms", samples: freshEnded, target: nil).median
        let endedAgain = Result("", unit: "ms", samples: againEnded, target: nil).median
        await engine.http.shutdown()
        await fixture.stop()
        return [
            Result("connect (probe → token)", unit: "ms", samples: fresh, target: 3,
                   notes: ["registrations": "\(registrations)", "stream-end-median": Report.format(endedFresh) + " ms"]),
            Result("reconnect (registration reused)", unit: "ms", samples: again, target: 2,
                   notes: ["registered-again": reused ? "no" : "YES", "stream-end-median": Report.format(endedAgain) + " ms"]),
        ]
    }

    /// `validToken` for a fresh cached token, per call; then proves no file is read by moving the store away.
    static func validToken(_ quick: Bool) async throws -> [Result] {
        let fixture = try await OAuthFixture.start(FixtureOptions())
        let engine = Wiring(home: home())
        defer { engine.remove() }
        let id = try engine.integrations.add(NewConnection(name: "fx", url: fixture.serverURL.absoluteString)).schemes[0].id
        try await engine.connect(id)
        let actor = engine.actor
        _ = try await actor.validToken(for: id)
        let batch = 10_000
        let samples = try await sampleAsync(runs: quick ? 20 : 100, warmup: 2, scale: us * Double(batch)) {
            for _ in 0..<batch { _ = try await actor.validToken(for: id) }
        }
        // With the store files gone, the cached token is still served: the hot path reads no file.
        let aside = engine.home.directory.appendingPathComponent("aside")
        try FileManager.default.createDirectory(at: aside, withIntermediateDirectories: true)
        for name in ["integration-secrets.json", "integration-secrets.journal"] {
            try? FileManager.default.moveItem(at: engine.home.directory.appendingPathComponent(name), to: aside.appendingPathComponent(name))
        }
        let served = (try? await actor.validToken(for: id)) != nil
        await engine.http.shutdown()
        await fixture.stop()
        return [Result("validToken (fresh, cached)", unit: "µs", samples: samples, target: 2,
                       notes: ["served-without-files": served ? "yes" : "NO"])]
    }

    /// The main screen rendered with 100 and with 10,000 connections (80×24, selection in the middle).
    static func render(_ quick: Bool) async throws -> [Result] {
        var out: [Result] = []
        var medians: [Int: Double] = [:]
        for n in [100, 10_000] {
            var state = AppState(connections: connections(n), now: Date())
            state.selected = n / 2
            _ = reduce(&state, .keyPressed(.resize(width: 80, height: 24)))
            let samples = sample(runs: quick ? 200 : 2000, warmup: 50, scale: ms) { _ = MainView.render(state) }
            let r = Result("render main screen, \(n) connections", unit: "ms", samples: samples, target: n == 10_000 ? 1 : nil)
            medians[n] = r.median
            out.append(r)
        }
        if let a = medians[100], let b = medians[10_000] {
            out[1].notes["vs-100"] = String(format: "%.2f×", b / a)
        }
        return out
    }

    /// One fsynced commit (one scheme's tokens change) with 10,000 schemes stored.
    static func storeCommit(_ quick: Bool) async throws -> [Result] {
        let home = home()
        defer { try? FileManager.default.removeItem(at: home.directory) }
        let store = SecretStore(home: home, encryption: .disabled, warn: { _ in })
        let n = 10_000
        try store.update { file in for i in 0..<n { file.schemes["scheme-\(i)"] = sampleSecrets(i) } }
        let size = (try? FileManager.default.attributesOfItem(atPath: store.fileURL.path)[.size] as? Int) ?? 0
        var i = 0
        let samples = try sample(runs: quick ? 100 : 2000, scale: ms) {
            i += 1
            try store.updateScheme("scheme-\(i % n)") { $0.tokens?.accessToken = "at-\(i)-\(UUID().uuidString)" }
        }
        return [Result("secret-store commit, 10k schemes", unit: "ms", samples: samples, target: 20,
                       notes: ["snapshot": "\(size / 1024) KiB", "commits": "\(samples.count + 1) (compactions included)"])]
    }
}
