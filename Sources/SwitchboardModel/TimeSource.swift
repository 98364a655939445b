import Foundation

/// The one source of time for the engine and the screen: a `Clock` to sleep on and the wall-clock `Date`
/// it stands for. The program uses `.live`; tests build one on a test clock (swift-clocks) and advance it,
/// so nothing waits on the wall clock for time to pass.
public struct TimeSource: Sendable {
    private let nowFunction: @Sendable () -> Date
    private let sleepFunction: @Sendable (Duration) async throws -> Void

    public init(now: @escaping @Sendable () -> Date, sleep: @escaping @Sendable (Duration) async throws -> Void) {
        nowFunction = now
        sleepFunction = sleep
    }

    /// Time on `clock`, starting at `epoch`: `now()` moves exactly as the clock does.
    public init<C: Clock & Sendable>(clock: C, epoch: Date) where C.Duration == Duration, C.Instant: Sendable {
        let origin = clock.now
        self.init(now: { epoch.addingTimeInterval(origin.duration(to: clock.now).seconds) },
                  sleep: { try await clock.sleep(for: $0) })
    }

    public static let live = TimeSource(now: Date.init, sleep: { try await Task.sleep(for: $0) })

    public func now() -> Date { nowFunction() }

    /// Sleeps on the clock (a test clock resumes this when advanced past it). Throws on cancellation.
    public func sleep(for duration: Duration) async throws { try await sleepFunction(duration) }

    /// Sleeps until `date` on this source's wall clock (no wait when it has passed).
    public func sleep(until date: Date) async throws {
        let wait = date.timeIntervalSince(now())
        if wait > 0 { try await sleep(for: .seconds(wait)) }
    }
}

extension Duration {
    /// The duration in seconds, as a `TimeInterval`.
    public var seconds: TimeInterval {
        let (s, attos) = components
        return TimeInterval(s) + TimeInterval(attos) / 1e18
    }
}
