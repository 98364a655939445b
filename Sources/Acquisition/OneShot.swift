import Foundation
import Synchronization

/// One answer awaited by one caller, settled once: by whoever has it first (the work, a timer, cancellation).
/// A deadline built on it holds whatever the work waits on: the caller is answered at the limit even when
/// the work is slow to notice that it was cancelled.
public final class OneShot<T: Sendable>: Sendable {
    private let state = Mutex<(waiter: CheckedContinuation<T, any Error>?, result: Result<T, any Error>?)>((nil, nil))

    public init() {}

    /// Settles it; false when it was settled already (the value is then dropped).
    @discardableResult
    public func settle(_ result: Result<T, any Error>) -> Bool {
        let waiter: CheckedContinuation<T, any Error>?? = state.withLock { s in
            guard s.result == nil else { return .none }
            s.result = result
            defer { s.waiter = nil }
            return .some(s.waiter)
        }
        guard case .some(let w) = waiter else { return false }
        w?.resume(with: result)
        return true
    }

    public var isSettled: Bool { state.withLock { $0.result != nil } }

    /// Waits for the answer, at most `limit` (then it is settled with `expired()`); cancelling the caller
    /// settles it with `CancellationError`.
    public func wait(limit: Duration?, expired: @escaping @Sendable () -> any Error,
                     onCancel: @escaping @Sendable () -> Void = {}) async throws -> T {
        // A dispatch timer, not a sleeping task: a cancelled `Task.sleep` returns at once, but its timer stays
        // queued, holding memory, until the deadline it was given. With a 5-minute limit on each of the bridge's
        // requests that was 0.75 KiB per request for five minutes (10,000 calls: 7 MiB more resident).
        // Cancelling a dispatch timer source removes it.
        let timer = limit.map { limit -> DispatchSourceTimer in
            let t = DispatchSource.makeTimerSource(queue: .global())
            let (seconds, attoseconds) = limit.components
            let nanoseconds = seconds <= 0 && attoseconds <= 0 ? 0 : seconds >= Int64(Int.max / 1_000_000_000) ? Int.max : Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)
            t.schedule(deadline: .now() + .nanoseconds(max(0, nanoseconds)))
            t.setEventHandler { [weak self] in self?.settle(.failure(expired())) }
            t.resume()
            return t
        }
        defer { timer?.cancel() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let settled: Result<T, any Error>? = state.withLock { s in
                    if s.result == nil { s.waiter = continuation }
                    return s.result
                }
                if let settled { continuation.resume(with: settled) }
            }
        } onCancel: {
            settle(.failure(CancellationError()))
            onCancel()
        }
    }
}

/// Runs `body` for at most `limit` of wall-clock time: then `body` is cancelled and the caller gets `expired()`
/// at once, whether or not `body` has noticed yet. Nothing `body` waits on (a server sending a byte at a
/// time) can move the limit.
public func withDeadline<T: Sendable>(_ limit: Duration, expired: @escaping @Sendable () -> any Error,
                                      _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    let answer = OneShot<T>()
    let work = Task { answer.settle(await Result { try await body() }) }
    defer { work.cancel() }    // given up on, or done
    return try await answer.wait(limit: limit, expired: expired)
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
