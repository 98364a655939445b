import Foundation
import SwitchboardModel
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Where a process's start goes, for the benchmark: with `SWITCHBOARD_START_TRACE` set, each mark writes
/// `T <CLOCK_MONOTONIC ns> <label>` to stderr, and `switchboard-bench --only bridge-start` prints each label's
/// median time after the bridge was spawned. Without the variable a mark is one test of a flag read once.
public enum StartTrace {
    private static let on = Atomic<Bool>(getenv("SWITCHBOARD_START_TRACE") != nil)

    /// The start is over: marks from here on write nothing (a bridge's requests pass the same marks for hours).
    public static func finish() { on.store(false, ordering: .relaxed) }

    public static func mark(_ label: StaticString) {
        guard on.load(ordering: .relaxed) else { return }
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let line = "T \(Int(now.tv_sec) * 1_000_000_000 + Int(now.tv_nsec)) \(label)\n"
        _ = line.withCString { write(2, $0, strlen($0)) }
    }
}
