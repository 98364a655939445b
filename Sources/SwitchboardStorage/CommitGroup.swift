import Dispatch
import Foundation
import SwitchboardModel
import SwitchboardText
import SwitchboardSystem
import Synchronization

/// Group commit: changes that arrive while a commit is running wait and go to disk together in the
/// next one, so N concurrent callers cost about one write and one fsync each round instead of N.
/// Changes are applied in the order they were enqueued. Commits run on a serial queue of their own,
/// never on the caller's (cooperative) thread.
final class CommitGroup<Change: Sendable>: Sendable {
    typealias Commit = @Sendable ([Change]) throws -> Void

    private struct State {
        var pending: [(change: Change, ticket: CommitTicket)] = []
        var running = false
    }
    private let state = Mutex(State())
    private let queue: DispatchQueue
    /// Applies every change of a batch in one durable read-modify-write (set once by the owner).
    private let commit = Mutex<Commit?>(nil)

    /// After a batch of at least `large` changes, wait this long before the next commit so a storm of
    /// writes is gathered into fewer, larger commits; a lone change is never delayed.
    private let linger: (large: Int, seconds: Double)?

    init(label: String, linger: (large: Int, seconds: Double)? = nil) {
        self.queue = DispatchQueue(label: label)
        self.linger = linger
    }

    func setCommit(_ body: @escaping Commit) { commit.withLock { $0 = body } }

    /// Queues `change` now (its place in the order is fixed on return); the ticket says when it is durable.
    @discardableResult
    func enqueue(_ change: Change) -> CommitTicket {
        let ticket = CommitTicket()
        let start = state.withLock { s -> Bool in
            s.pending.append((change, ticket))
            defer { s.running = true }
            return !s.running
        }
        if start { queue.async { self.drain() } }
        return ticket
    }

    /// Returns once `change` is durable (or throws its batch's error).
    func submit(_ change: Change) async throws {
        try await enqueue(change).wait()
    }

    private func drain() {
        while true {
            let batch = state.withLock { s in
                let b = s.pending
                s.pending = []
                if b.isEmpty { s.running = false }
                return b
            }
            if batch.isEmpty { return }
            let result: Result<Void, any Error>
            do {
                guard let commit = commit.withLock({ $0 }) else { preconditionFailure("CommitGroup used before setCommit") }
                try commit(batch.map(\.change))
                result = .success(())
            } catch {
                result = .failure(error)
            }
            for item in batch { item.ticket.finish(result) }
            if let linger, batch.count >= linger.large { Thread.sleep(forTimeInterval: linger.seconds) }
        }
    }
}
