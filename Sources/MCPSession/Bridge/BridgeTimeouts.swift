import Acquisition
import Foundation
import SwitchboardCore

extension OneShot {
    /// Waits for the answer, at most `limit` (then `what` took too long); cancelling the caller settles it
    /// with `CancellationError`.
    func wait(limit: Duration?, what: String, onCancel: @escaping @Sendable () -> Void = {}) async throws -> T {
        try await wait(limit: limit, expired: { UpstreamTimedOut(what: what, limit: limit ?? .zero) }, onCancel: onCancel)
    }
}

/// Runs `body`, giving up after `limit`.
func within<T: Sendable>(_ limit: Duration, _ what: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withDeadline(limit, expired: { UpstreamTimedOut(what: what, limit: limit) }, body)
}
