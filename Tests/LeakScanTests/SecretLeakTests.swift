import Acquisition
import EngineTestSupport
import Foundation
import SwitchboardCore
import SwitchboardFixtures
import SwitchboardTestSupport
import Testing

@Suite struct SecretLeakTests {
    @Test func tokensNeverAppearInEventsErrorsOrTheConnectionsFile() async throws {
        let time = TestTime()
        try await withHarness(Harness.make(FixtureOptions {
            $0.registration = .basicOnly
            $0.accessTokenLifetime = 8
            $0.rotateRefreshTokens = true
            $0.revocation = true
        }, time: time.source)) { h in
            let id = try h.add()
            let updates = await h.actor.updates()
            var texts: [String] = []
            let collector = Task {
                var out: [String] = []
                for await u in updates { out.append(u.event.summary); out.append("\(u.event)") }
                return out
            }
            var secretsSeen: Set<String> = []
            for e in await h.connect(id) { texts.append(e.summary); texts.append("\(e)") }
            func remember() throws {
                let s = try h.secrets(id)
                if let t = s.tokens { secretsSeen.insert(t.accessToken); t.refreshToken.map { secretsSeen.insert($0) } }
                for r in s.registrations.values { r.clientSecret.map { secretsSeen.insert($0) } }
            }
            try remember()
            // Past three quarters of the 8-second token's life and the refresh floor: the next request refreshes (and rotates).
            await time.advance(by: .milliseconds(6500))
            _ = try await h.actor.validToken(for: id)
            try remember()
            for e in await h.disconnect(id) { texts.append(e.summary) }
            // A failure, too: refresh with nothing stored.
            do { _ = try await h.actor.validToken(for: id) } catch { texts.append("\(error)") }
            texts.append(try String(contentsOf: h.home.integrationsFile, encoding: .utf8))
            await h.actor.stopScheduler()
            await h.actor.finishUpdates()
            texts += await collector.value
            #expect(secretsSeen.count >= 4)
            for secret in secretsSeen {
                for text in texts { #expect(!text.contains(secret)) }
            }
        }
    }
}
