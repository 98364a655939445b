import Foundation
import SwitchboardCore
import SwitchboardTestSupport
import Synchronization
import Testing

/// The test helpers other tests lean on: teardown that is waited for, the one golden comparison, test ports.
@Suite struct TearDownTests {
    struct Failure: Error, Equatable { var name: String }

    @Test func theTeardownIsOverWhenTheCallReturns() async throws {
        let stopped = Mutex(false)
        let value = try await withTearDown("resource", tearDown: { _ in
            try await Task.sleep(for: .milliseconds(50))
            stopped.withLock { $0 = true }
        }) { resource in resource.count }
        #expect(value == 8)
        #expect(stopped.withLock { $0 }, "withTearDown returned before its teardown ended")
    }

    @Test func theBodysErrorWinsAndTheTeardownStillRuns() async throws {
        let stopped = Mutex(false)
        await #expect(throws: Failure(name: "body")) {
            try await withTearDown((), tearDown: { _ in
                stopped.withLock { $0 = true }
                throw Failure(name: "teardown")
            }) { _ in throw Failure(name: "body") }
        }
        #expect(stopped.withLock { $0 })
    }

    @Test func aTeardownThatFailsAfterABodyThatPassedFailsTheCall() async throws {
        await #expect(throws: Failure(name: "teardown")) {
            try await withTearDown((), tearDown: { _ in throw Failure(name: "teardown") }) { _ in 1 }
        }
    }
}

@Suite struct GoldenTests {
    /// Never while recording: `mismatch` would write the altered text into the golden.
    @Test(.disabled(if: Golden.recording, "recording would overwrite the golden"))
    func aGoldenMatchesItselfAndADifferenceNamesTheRow() throws {
        let text = try String(contentsOf: Golden.directory.appendingPathComponent("empty-list.txt"), encoding: .utf8)
        #expect(Golden.mismatch("empty-list.txt", text) == nil)
        var rows = text.components(separatedBy: "\n")
        rows[1] += " changed"
        let message = try #require(Golden.mismatch("empty-list.txt", rows.joined(separator: "\n")))
        #expect(message.contains("Screens/empty-list.txt") && message.contains("row 1:") && message.contains("changed"), "\(message)")
        #expect(!message.contains("row 0:"), "only the rows that differ: \(message)")
        #expect(Golden.mismatch("no-such-golden.txt", "x")?.contains("SWITCHBOARD_RECORD_SCREENS=1") == true)
    }
}

@Suite struct TestPortTests {
    /// Test ports lie below the ports sign-ins choose (FreePort) and the kernel's ephemeral range, and no two
    /// picks in a process are the same.
    @Test func picksAreDistinctFreeAndBelowWhereSignInsChoose() throws {
        let picks = try (0..<10).map { _ in try TestPort.pick() }
        #expect(Set(picks).count == picks.count, "\(picks)")
        for _ in 0..<20 {
            let chosen = try FreePort.pick()
            #expect(picks.allSatisfy { $0 < chosen }, "a sign-in may choose \(chosen); test ports \(picks)")
        }
        #expect(picks.allSatisfy { $0 >= 1024 })
    }
}
