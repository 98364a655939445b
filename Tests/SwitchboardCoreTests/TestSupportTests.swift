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
