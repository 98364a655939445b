import Clocks
import Foundation
import SwitchboardCore

/// A test clock (swift-clocks) and the dates it stands for: tests advance it instead of sleeping, and every
/// wait the engine or the screen makes on it resumes exactly when the test says time has passed.
public final class TestTime: Sendable {
    public let clock: TestClock<Duration>
    public let source: TimeSource

    /// Starts at the current date, so dates from servers (secret expiries) compare as they would.
    public init(start: Date = Date()) {
        let clock = TestClock<Duration>()
        self.clock = clock
        source = TimeSource(clock: clock, epoch: start)
    }

    public func now() -> Date { source.now() }

    /// Moves time on; every sleeper whose deadline passes resumes.
    public func advance(by duration: Duration) async { await clock.advance(by: duration) }
}

/// A clock on which every sleep returns at once while time moves on by its length (polling loops in tests).
public func immediateTime(start: Date = Date()) -> TimeSource {
    TimeSource(clock: ImmediateClock<Duration>(), epoch: start)
}

extension TestTime {
    /// Moves time on in `steps` steps of `step`, letting sleepers run between them (a scheduler that sleeps
    /// until a token is due wakes when its time comes). Cancel the task to stop early.
    public func keepAdvancing(by step: Duration, steps: Int = 600) -> Task<Void, Never> {
        let clock = self.clock
        return Task {
            for _ in 0..<steps where !Task.isCancelled {
                await clock.advance(by: step)
                await Task.yield()
            }
        }
    }
}
