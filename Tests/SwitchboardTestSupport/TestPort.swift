import Foundation
import SwitchboardCore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A loopback port for a test that fixes one in advance (a redirect port given to `add --redirect-port` or
/// `set-client`, a port nothing must listen on, a proxy's port) and binds it later.
///
/// `FreePort.pick()` is no good for that in a test: it chooses from the ports just below the kernel's ephemeral
/// range (20000–32767 by default), which is where every sign-in running in parallel (in this process, in the binaries the tests start,
/// in another worktree's test run) chooses its fresh callback port, so the port can be taken between the choice
/// and the bind. (Seen in ScreenManualClientTests: the redirect port recorded at the refusal was bound by
/// another test's listener before the sign-in with the typed-in client.)
///
/// These ports come from below that range, where neither Switchboard nor the kernel chooses ports, and each
/// test process takes them from a block of its own (by process id), in turn, so no two tests of one run get
/// the same port and two runs side by side get disjoint blocks. A port is checked free when it is handed out.
public enum TestPort {
    /// Ports per process, and how many such blocks fit in the range.
    static let blockSize = 64
    /// Below where FreePort chooses.
    static let range: Range<Int> = max(1024, FreePort.range.lowerBound - 8192)..<FreePort.range.lowerBound
    static let block: Range<Int> = {
        let blocks = max(1, range.count / blockSize)
        let start = range.lowerBound + Int(getpid() % Int32(blocks)) * blockSize
        return start..<min(range.upperBound, start + blockSize)
    }()
    static let next = Mutex(0)

    /// A port of this process's block that is free now; the next call gives another.
    public static func pick() throws -> Int {
        for _ in 0..<block.count {
            let port = next.withLock { n in
                defer { n += 1 }
                return block.lowerBound + n % block.count
            }
            if FreePort.isFree(port) { return port }
        }
        throw Exhausted(block: block)
    }

    public struct Exhausted: Error, CustomStringConvertible {
        public var block: Range<Int>
        public var description: String { "every test port in \(block) is taken" }
    }
}
