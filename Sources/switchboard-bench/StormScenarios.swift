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

/// The refresh storm and the activity journal under it.
extension Scenarios {
    /// 10,000 schemes due at once, refreshed by one scheduler pass against the fixture (rotating refresh tokens).
    /// With the activity journal on (as the program runs), and off for comparison.
    static func refreshStorm(_ quick: Bool) async throws -> [Result] {
        try await storm(quick, journal: true) + storm(quick, journal: false)
    }

    static func storm(_ quick: Bool, journal: Bool) async throws -> [Result] {
        let n = quick ? 2_000 : 10_000
        let fixture = try await OAuthFixture.start(FixtureOptions { $0.rotateRefreshTokens = true })
        let engine = Wiring(home: home(), refreshConcurrency: 64, recordsActivity: journal)
        defer { engine.remove() }
        // One real sign-in gives the template (endpoints, resource, registration) every scheme copies.
        let template = try engine.integrations.add(NewConnection(name: "template", url: fixture.serverURL.absoluteString)).schemes[0].id
        try await engine.connect(template)
        let stored = try engine.integrations.secrets.secrets(for: template)
        guard let tokens = stored.tokens, let registration = stored.registrations[tokens.issuer] else { throw Child.ValidationFailure("no template tokens") }
        let due = Date().addingTimeInterval(-10)
        var list: [Connection] = []
        var secrets: [String: SchemeSecrets] = [:]
        for i in 0..<n {
            let scheme = AuthScheme(kind: .oauthDynamic, status: .connected(expiresAt: due))
            list.append(Connection(name: "storm-\(i)", serverURL: fixture.serverURL, schemes: [scheme]))
            var t = tokens
            t.accessToken = "at-stale-\(i)"
            t.refreshToken = fixture.mintRefreshToken(clientID: registration.clientID, resource: tokens.resource, scope: tokens.scopes.joined(separator: " "))
            // An hour-long token that ran out ten seconds ago (obtained before it expired, as real ones are).
            t.expiresAt = due
            t.obtainedAt = due.addingTimeInterval(-3600)
            secrets[scheme.id] = SchemeSecrets(registrations: [tokens.issuer: registration], tokens: t)
        }
        try engine.integrations.connections.update { $0.connections = list }
        try engine.integrations.secrets.update { file in file.schemes = secrets }
        let before = fixture.counters
        let t0 = Clock.now()
        let refreshed = await engine.actor.refreshDueNow()
        // The storm ends when its activity is in the journal too.
        await engine.actor.flushActivity()
        let seconds = Double(Clock.now() - t0) / 1e9
        let recorded = try engine.wired.activity?.events().filter { $0.kind == .refreshed }.count ?? 0
        let after = fixture.counters
        // Everything durable: a new store object reads every rotated token, and the server accepts each one.
        let reread = try SecretStore(home: engine.home, encryption: .disabled, warn: { _ in }).load()
        let accepted = list.filter { c in reread.schemes[c.schemes[0].id]?.tokens.map { fixture.accepts($0.accessToken) } ?? false }.count
        await engine.http.shutdown()
        await fixture.stop()
        return [Result("refresh storm, \(n) schemes, journal \(journal ? "on" : "off")", unit: "s", samples: [seconds], target: quick ? nil : 3, notes: [
            "due": "\(refreshed)", "refresh-requests": "\(after.refreshes - before.refreshes)", "journal-lines": "\(recorded)",
            "refresh-token-reuse": "\(after.refreshTokenReuse)", "stored-and-accepted": "\(accepted)",
            "concurrency": "64"])]
    }

    /// The activity journal's cost per event: record events for 10,000 connections in batches as a storm
    /// would, then flush; and the size it settles at.
    static func activityJournal(_ quick: Bool) async throws -> [Result] {
        let dir = home()
        defer { try? FileManager.default.removeItem(at: dir.directory) }
        let journal = ActivityJournal(home: dir, role: "bench")
        let n = quick ? 20_000 : 100_000
        let now = Date()
        let t0 = Clock.now()
        for i in 0..<n {
            journal.record(ActivityEvent(.refreshed, at: now, scheme: "scheme-\(i % 10_000)", connection: "storm-\(i % 10_000)") {
                $0.milliseconds = 120; $0.rotated = true; $0.expiresAt = now.addingTimeInterval(3600)
            })
        }
        let queued = Double(Clock.now() - t0) / Double(n)
        await journal.flush()
        let total = Double(Clock.now() - t0) / Double(n)
        let size = (try? FileManager.default.attributesOfItem(atPath: journal.file.path)[.size] as? Int) ?? 0
        return [Result("activity journal, per event (recorded and written)", unit: "µs", samples: [total / 1000], target: nil, notes: [
            "caller-cost": String(format: "%.1f µs", queued / 1000), "events": "\(n)", "file": "\(size / 1024) KiB (bound \(ActivityJournal.defaultMaxBytes >> 20) MiB)"])]
    }
}
