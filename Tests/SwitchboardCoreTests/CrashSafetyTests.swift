import Foundation
import SwitchboardCore
import SwitchboardTestSupport
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A writer process killed with SIGKILL at random moments, again and again: the store always opens,
/// every acknowledged write is there, and temporary files do not pile up.
/// `SWITCHBOARD_CRASH_KILLS` sets the number of kills (200 here; the long run uses more).
@Suite struct CrashSafetyTests {
    /// The writer's sequence (the same rule as `switchboard store-writer`): what operation `i` does.
    static func operation(_ i: Int) -> (key: String, value: String?) {
        if i % 17 == 16 { return ("w-\(i - 10)", nil) }
        if i % 5 == 4 { return ("shared", "v-\(i)") }
        return ("w-\(i)", "v-\(i)")
    }

    struct Outcome: Sendable {
        var kills = 0
        var acknowledged = 0
        var problems: [String] = []
        var maxTemporaries = 0
    }

    static func temporaries(in dir: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.contains(".tmp-") }
    }

    /// Runs the kill loop on a plain thread (it blocks on the child).
    static func killLoop(home: URL, kills: Int) -> Outcome {
        var outcome = Outcome()
        var model: [String: String] = [:]
        var next = 0
        var rng = SystemRandomNumberGenerator()
        for round in 0..<kills {
            guard let child = try? KillableChild(["store-writer", "--home", home.path, "--start", "\(next)", "--compaction-floor", "4096"], binary: BinaryRunner.testBinary) else {
                outcome.problems.append("could not start the writer")
                break
            }
            // Kill while it writes: once it has acknowledged a random number of writes (1–40), so the kill lands
            // at every stage of a write (the writer runs on between its acknowledgement and the signal).
            let wanted = Int.random(in: 1...40, using: &rng)
            child.waitForOutput(timeout: 5) { $0.components(separatedBy: "ack ").count - 1 >= wanted }
            child.kill()
            child.wait()
            outcome.kills += 1
            let acks = child.stdout.split(separator: "\n").compactMap { $0.hasPrefix("ack ") ? Int($0.dropFirst(4)) : nil }
            for i in acks {
                let op = operation(i)
                model[op.key] = op.value
            }
            if let last = acks.last { next = last + 1 }
            outcome.acknowledged = next
            // Open the store as a new process would: it must read without quarantining anything.
            let warnings = Mutex<[String]>([])
            let store = SecretStore(home: SwitchboardHome(directory: home), encryption: .disabled, warn: { m in warnings.withLock { $0.append(m) } })
            guard let file = try? store.load() else {
                outcome.problems.append("round \(round): the store does not open")
                break
            }
            if !warnings.withLock({ $0 }).isEmpty { outcome.problems.append("round \(round): \(warnings.withLock { $0 })") }
            // Every acknowledged write is present; only the one in flight at the kill may be there too.
            let inFlight = operation(next)
            for (key, value) in model where file.schemes[key]?.bearerToken != value {
                let tolerated = key == inFlight.key && file.schemes[key]?.bearerToken == inFlight.value
                if !tolerated { outcome.problems.append("round \(round): \(key) is \(file.schemes[key]?.bearerToken ?? "absent"), acknowledged \(value)") }
            }
            outcome.maxTemporaries = max(outcome.maxTemporaries, temporaries(in: home).count)
            if outcome.problems.count > 5 { break }
        }
        return outcome
    }

    @Test func killedWritersNeverLoseAcknowledgedWrites() async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let home = tmp.path("home")
        let kills = Int(ProcessInfo.processInfo.environment["SWITCHBOARD_CRASH_KILLS"] ?? "") ?? 200
        let outcome = await HeavyTestGate.shared.run {
            await withCheckedContinuation { (c: CheckedContinuation<Outcome, Never>) in
                Thread { c.resume(returning: Self.killLoop(home: home, kills: kills)) }.start()
            }
        }
        print("crash-safety: \(outcome.kills) kills, \(outcome.acknowledged) acknowledged writes, at most \(outcome.maxTemporaries) temporary file(s) between runs")
        #expect(outcome.problems.isEmpty, "\(outcome.problems)")
        #expect(outcome.kills == kills)
        #expect(outcome.acknowledged > kills, "the writer made progress between kills (\(outcome.acknowledged) writes)")
        // A killed writer leaves at most the one temporary file it was writing; the next writer sweeps it.
        #expect(outcome.maxTemporaries <= 1, "temporaries: \(outcome.maxTemporaries)")
        let finish = try await BinaryRunner.runDetached(["store-writer", "--home", home.path, "--start", "\(outcome.acknowledged)", "--count", "1"],
                                                        binary: BinaryRunner.testBinary)
        #expect(finish.status == 0)
        #expect(Self.temporaries(in: home).isEmpty)
    }
}
