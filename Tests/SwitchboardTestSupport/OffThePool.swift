import Foundation

/// Runs blocking work (a child process, a read of a large file) on a thread of its own and awaits it: a test
/// never holds a cooperative thread while it waits (on 2 cores the pool has 2, and every in-process server and
/// deadline in the run needs them).
public func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}
