import Foundation
import SwitchboardCore
import Synchronization

/// The server did not finish something in the time the bridge gives it.
struct UpstreamTimedOut: Error, CustomStringConvertible {
    var what: String
    var limit: Duration
    var description: String { "\(what) took longer than \(limit.components.seconds) s" }
}

/// One answer awaited by one caller, settled once: by whoever has it first (the reader, a timer, cancellation).
final class OneShot<T: Sendable>: Sendable {
    private let state = Mutex<(waiter: CheckedContinuation<T, any Error>?, result: Result<T, any Error>?)>((nil, nil))

    /// Settles it; false when it was settled already (the value is then dropped).
    @discardableResult
    func settle(_ result: Result<T, any Error>) -> Bool {
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

    var isSettled: Bool { state.withLock { $0.result != nil } }

    /// Waits for the answer, at most `limit`; cancelling the caller settles it with `CancellationError`.
    func wait(limit: Duration?, what: String, onCancel: @escaping @Sendable () -> Void = {}) async throws -> T {
        let timer = limit.map { limit in
            Task { [weak self] in
                try? await Task.sleep(for: limit)
                if !Task.isCancelled { self?.settle(.failure(UpstreamTimedOut(what: what, limit: limit))) }
            }
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

/// Runs `body`, giving up after `limit`.
func within<T: Sendable>(_ limit: Duration, _ what: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    let answer = OneShot<T>()
    let work = Task { answer.settle(await Result { try await body() }) }
    defer { work.cancel() }    // given up on, or done
    return try await answer.wait(limit: limit, what: what)
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
