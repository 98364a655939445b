import Foundation

/// Runs `body` with `resource`, then awaits `tearDown(resource)` whether `body` returned or threw: the `defer`
/// a test would write if `defer` could await. (A `defer` that starts a `Task` to stop something does not wait
/// for it: the test ends with its servers, listeners and engines still running, next to the next test.)
///
/// The body's error is the one thrown: a teardown that fails after a failed body does not hide why the test
/// failed (its error goes to standard error). A teardown that fails after a body that passed fails the test.
///
/// Each kind of thing a test starts has its own short name for this (`withHarness`, `withFixture`, …), next to
/// the kind.
@discardableResult
public func withTearDown<Resource, T>(_ resource: Resource, tearDown: (Resource) async throws -> Void,
                                     _ body: (Resource) async throws -> T) async throws -> T {
    let outcome: Result<T, any Error>
    do { outcome = .success(try await body(resource)) } catch { outcome = .failure(error) }
    do {
        try await tearDown(resource)
    } catch {
        guard case .failure(let bodyError) = outcome else { throw error }
        FileHandle.standardError.write(Data("teardown failed too, after \(bodyError): \(error)\n".utf8))
    }
    return try outcome.get()
}
