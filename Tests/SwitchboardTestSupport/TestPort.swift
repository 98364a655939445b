import Foundation
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
    static let range: Range<Int> = {
        let ephemeralLow = ephemeralRangeLow()
        // FreePort takes [max(1024, min(20000, low - 4096)), low); stay below that.
        let freePortLow = max(1024, min(20_000, ephemeralLow - 4096))
        let low = max(1024, freePortLow - 8192)
        return low..<freePortLow
    }()
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
            if isFree(port) { return port }
        }
        throw Exhausted(block: block)
    }

    public struct Exhausted: Error, CustomStringConvertible {
        public var block: Range<Int>
        public var description: String { "every test port in \(block) is taken" }
    }

    /// Binds and listens on 127.0.0.1:`port` as a listener would (with SO_REUSEADDR), and lets it go.
    static func isFree(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let bound = withUnsafePointer(to: address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return bound == 0 && listen(fd, 1) == 0
    }

    /// The first port of the kernel's ephemeral range (32768 when it cannot be read), as FreePort reads it.
    static func ephemeralRangeLow() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8),
              let first = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).first, let low = Int(first),
              low > 1024 else { return 32768 }
        return low
    }
}
