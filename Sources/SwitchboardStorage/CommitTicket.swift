import Dispatch
import Foundation
import SwitchboardModel
import SwitchboardText
import SwitchboardSystem
import Synchronization

/// Completion of one queued change.
public final class CommitTicket: Sendable {
    private struct State {
        var result: Result<Void, any Error>?
        var waiters: [CheckedContinuation<Void, any Error>] = []
    }
    private let state = Mutex(State())

    func finish(_ result: Result<Void, any Error>) {
        let waiters = state.withLock { s in
            s.result = result
            defer { s.waiters = [] }
            return s.waiters
        }
        for w in waiters { w.resume(with: result) }
    }

    /// Waits until the change is on disk.
    public func wait() async throws {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
            let done = state.withLock { s -> Result<Void, any Error>? in
                if s.result == nil { s.waiters.append(c) }
                return s.result
            }
            if let done { c.resume(with: done) }
        }
    }
}
