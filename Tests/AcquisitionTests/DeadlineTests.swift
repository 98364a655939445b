@testable import Acquisition
import EngineTestSupport
import Foundation
import SwitchboardCore
import SwitchboardFixtures
import SwitchboardTestSupport
import SwitchboardWiring
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Servers that answer too slowly to ever finish: a body sent a byte at a time, a body that stops, a head that
/// never ends, a connection never answered. Every exchange ends within its (here short) deadline with an error
/// that names the server and says what to do; nothing is stored, and no lock is left held.
@Suite struct DeadlineTests {
    /// The injected deadline of each exchange. The hostile servers keep going for 40 s, so a flow that ends
    /// within `bound` was cut by the deadline (the bound leaves room for a loaded 2-core machine).
    static let deadline: Duration = .seconds(1)
    static let bound: Duration = .seconds(10)

    @Test(arguments: StallingServer.Behaviour.allCases)
    func connectEndsWithinTheDeadline(_ behaviour: StallingServer.Behaviour) async throws {
        let server = try StallingServer(behaviour)
        defer { server.stop() }
        try await withHarness(Harness.make(timeout: Self.deadline)) { h in
            let id = try h.add("slow", url: server.origin.appendingPathComponent("mcp"))
            let started = ContinuousClock.now
            let events = await h.connect(id)
            let took = ContinuousClock.now - started
            #expect(took < Self.bound, "the connect took \(took)")
            let failure = try #require(events.failure)
            #expect(failure.code == .network, "\(failure)")
            #expect(failure.message.contains("127.0.0.1:\(server.port)") && failure.message.contains("did not answer in time"), "\(failure)")
            #expect(failure.message.contains("within 1 s"), "\(failure)")
            #expect(failure.remedyText?.contains("try again") == true, "\(failure)")
            #expect(server.accepted >= 1)
            #expect(h.secretsFileBytes() == nil, "nothing stored")
            guard case .error = try h.status(id) else { Issue.record("status is \(try h.status(id))"); return }
        }
    }

    /// The bridge's path: a streamed answer's head within its deadline, however the server withholds it
    /// (headers a line at a time, or none); a head that came is the caller's to read at its own pace.
    @Test(arguments: [StallingServer.Behaviour.endlessHeaders, .silent])
    func aStreamedHeadEndsWithinItsDeadline(_ behaviour: StallingServer.Behaviour) async throws {
        let server = try StallingServer(behaviour)
        defer { server.stop() }
        let http = AsyncHTTPTransport()
        let started = ContinuousClock.now
        do {
            _ = try await http.stream(HTTPRequestSpec(method: "POST", url: server.origin.appendingPathComponent("mcp"), headers: [], body: Data("{}".utf8)),
                                      headDeadline: Self.deadline, idleTimeout: .seconds(60))
            Issue.record("a head that never ended was accepted")
        } catch {
            #expect("\(error)".contains("did not answer in time"), "\(error)")
        }
        let took = ContinuousClock.now - started
        #expect(took < Self.bound, "the head took \(took)")
    }

    @Test(arguments: StallingServer.Behaviour.allCases)
    func refreshForATokenEndsWithinTheDeadlineAndLeavesNoLock(_ behaviour: StallingServer.Behaviour) async throws {
        let server = try StallingServer(behaviour)
        defer { server.stop() }
        try await withHarness(Harness.make(timeout: Self.deadline)) { h in
            let (connection, id) = try Self.expiredConnection(h, tokenEndpoint: server.origin.appendingPathComponent("token"))
            let stored = (try? Data(contentsOf: h.home.secretsFile), try? Data(contentsOf: Self.journal(h)))
            let started = ContinuousClock.now
            // What `switchboard token` and `headers` do.
            let result = await outcome { try await h.engine.authorizer(connection).bearer() }
            let took = ContinuousClock.now - started
            #expect(took < Self.bound, "the refresh took \(took)")
            guard case .failure(let error) = result, let failure = error as? AcquisitionError else {
                Issue.record("expected a failure, got \(result)")
                return
            }
            #expect(failure.code == .network, "\(failure)")
            #expect(failure.message.contains("Refresh failed") && failure.message.contains("127.0.0.1:\(server.port)/token"), "\(failure)")
            #expect(failure.message.contains("did not answer in time"), "\(failure)")
            #expect(failure.remedyText?.contains("slow or stuck: try again") == true, "\(failure)")
            #expect(!"\(failure)".contains("rt-slow") && !"\(failure)".contains("at-slow"), "no token in the message")
            #expect(server.accepted >= 1)
            // Nothing stored: the secrets (snapshot and journal) are as they were.
            #expect((try? Data(contentsOf: h.home.secretsFile), try? Data(contentsOf: Self.journal(h))) == stored, "nothing stored")
            // The lock is free: the next caller gets it at once, and no holder record is left behind.
            try await Self.expectLockFree(h, id)
        }
    }

    /// Another process refreshing the same connection holds its lock (here against a server that never
    /// answers); a caller waits at most its lock wait, then says which process holds it and for how long.
    @Test func aRefreshWaitingForAnotherProcessSaysWhoHoldsTheLock() async throws {
        let server = try StallingServer(.silent)
        defer { server.stop() }
        try await withHarness(Harness.make(timeout: Self.deadline, lockWait: .seconds(1))) { h in
            let (connection, id) = try Self.expiredConnection(h, tokenEndpoint: server.origin.appendingPathComponent("token"))
            // The other process: a forced refresh with the default deadline (10 s), stuck on the silent server.
            let other = try KillableChild(["refresh-times", "slow", "--home", h.home.directory.path], binary: BinaryRunner.testBinary)
            var ended = false
            defer { if !ended { other.kill(); other.wait() } }
            #expect(await waitUntil(timeout: .seconds(30)) { server.accepted >= 1 }, "the other process reached the server")
            let started = ContinuousClock.now
            let result = await outcome { try await h.engine.authorizer(connection).bearer() }
            #expect(ContinuousClock.now - started < Self.bound)
            guard case .failure(let error) = result, let failure = error as? AcquisitionError else {
                Issue.record("expected a failure, got \(result)")
                return
            }
            #expect(failure.code == .busy, "\(failure)")
            #expect(failure.message.hasPrefix("Another Switchboard process (pid \(other.pid)) has been refreshing `slow` for "), "\(failure)")
            #expect(failure.message.hasSuffix(" s."), "\(failure)")
            #expect(failure.remedyText?.contains("kill \(other.pid)") == true, "\(failure)")
            #expect(server.accepted == 1, "the waiting caller never reached the server")
            // The holder dies mid-refresh: the kernel releases its lock, and its record is not taken for a holder.
            other.kill()
            other.wait()
            ended = true
            try await Self.expectLockFree(h, id, recordMayRemain: true)
        }
    }

    /// One scheme's server takes its whole deadline; another scheme is refreshed meanwhile, twice, by the
    /// scheduler, without waiting for the slow one.
    @Test func aSlowSchemeNeverDelaysAnotherSchemesRefreshes() async throws {
        let server = try StallingServer(.silent, givesUpAfter: .seconds(150))
        defer { server.stop() }
        let time = TestTime()
        // Longer than the wait for the fast scheme's second refresh below: were the scheduler to wait for the
        // slow refresh, that wait would fail, however loaded the machine (no race between two wall-clock times).
        try await withHarness(Harness.make(timeout: .seconds(90), time: time.source)) { h in
            let fast = try h.add("fast")
            #expect(await h.connect(fast).connected)
            // The fast scheme is due now (its token was issued an hour ago and lapses in ten seconds).
            try h.integrations.secrets.updateScheme(fast) { entry in
                entry.tokens?.obtainedAt = time.now().addingTimeInterval(-3600)
                entry.tokens?.expiresAt = time.now().addingTimeInterval(10)
            }
            let (_, slow) = try Self.expiredConnection(h, tokenEndpoint: server.origin.appendingPathComponent("token"), now: time.now())
            let seen = Seen()
            let updates = await h.actor.updates()
            let listener = Task { for await u in updates { seen.events.withLock { $0.append((u.schemeID, u.event)) } } }
            defer { listener.cancel() }
            func refreshed(_ id: String) -> Int {
                seen.events.withLock { $0.filter { if $0.0 == id, case .refreshed = $0.1 { true } else { false } }.count }
            }
            await h.actor.startScheduler()
            #expect(await waitUntil(timeout: .seconds(20)) { refreshed(fast) >= 1 && server.accepted >= 1 }, "both refreshes began")
            // Time passes for the scheduler (not for the slow exchange, which runs on the wall clock): the fast
            // scheme's new token comes due again.
            let clock = time.keepAdvancing(by: .seconds(120), steps: 200)
            defer { clock.cancel() }
            #expect(await waitUntil(timeout: .seconds(30)) { refreshed(fast) >= 2 }, "the fast scheme was refreshed again")
            let order = seen.events.withLock { $0 }
            let slowFailed = order.firstIndex { if $0.0 == slow, case .failed = $0.1 { true } else { false } }
            let fastAgain = order.indices.filter { if order[$0].0 == fast, case .refreshed = order[$0].1 { true } else { false } }.dropFirst().first
            #expect(slowFailed == nil || fastAgain.map { $0 < slowFailed! } == true,
                    "the fast scheme's second refresh waited for the slow one: \(order.map { "\($0.0 == fast ? "fast" : "slow") \($0.1.summary)" })")
            await h.actor.stopScheduler()
        }
    }

    // MARK: - Helpers

    /// Every update the engine sent, in order.
    final class Seen: Sendable {
        let events = Mutex<[(String, AcquisitionEvent)]>([])
    }

    /// A connection to the hostile server whose stored token has expired, so the next use refreshes it there.
    static func expiredConnection(_ h: Harness, tokenEndpoint: URL, now: Date = Date()) throws -> (Connection, String) {
        let origin = tokenEndpoint.deletingLastPathComponent().absoluteString
        let connection = try h.integrations.add(NewConnection(name: "slow", url: origin + "mcp", kind: .oauthDynamic))
        let id = connection.schemes[0].id
        try h.integrations.secrets.updateScheme(id) { entry in
            entry.tokens = TokenSet(accessToken: "at-slow-0123456789", refreshToken: "rt-slow-0123456789", expiresAt: now.addingTimeInterval(-60),
                                    scopes: [], resource: origin + "mcp", issuer: String(origin.dropLast()), clientID: "client-slow",
                                    tokenEndpoint: tokenEndpoint.absoluteString, revocationEndpoint: nil, obtainedAt: now.addingTimeInterval(-3660))
        }
        try h.integrations.connections.updateScheme(id) { $0.status = .connected(expiresAt: now.addingTimeInterval(-60)) }
        return (try h.integrations.connection(named: "slow"), id)
    }

    static func journal(_ h: Harness) -> URL { h.home.directory.appendingPathComponent("integration-secrets.journal") }

    /// Takes the scheme's lock without waiting (it must be free), and finds no holder recorded for it.
    static func expectLockFree(_ h: Harness, _ id: String, recordMayRemain: Bool = false, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let locks = h.home.directory.appendingPathComponent("locks")
        let took = try await SchemeLock.withLock(directory: locks, schemeID: id, time: .live, wait: .zero) { true }
        #expect(took, sourceLocation: sourceLocation)
        guard !recordMayRemain else { return }
        let fd = open(locks.appendingPathComponent("schemes.lock").path, O_RDONLY)
        defer { close(fd) }
        #expect(fd >= 0 && SchemeLock.holder(fd, schemeID: id) == nil, "no holder left recorded", sourceLocation: sourceLocation)
    }
}

/// What `body` returned or threw.
private func outcome<T>(_ body: () async throws -> T) async -> Result<T, any Error> {
    do { return .success(try await body()) } catch { return .failure(error) }
}
