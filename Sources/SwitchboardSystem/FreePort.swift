import Foundation
import SwitchboardModel
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A loopback port that is free now, for a redirect URI that must keep working on later sign-ins.
///
/// Chosen below the kernel's ephemeral range (`/proc/sys/net/ipv4/ip_local_port_range`, 32768–60999 by
/// default): a port from that range is handed to outgoing connections as soon as it is free, so a
/// redirect port taken from it can be "in use" by some program's connection at the next sign-in. Below
/// it, only a program that binds that very port can take it.
public enum FreePort {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String { "could not choose a free loopback port for the redirect URI; pass --redirect-port" }
    }

    /// Read once per process.
    static let ephemeralRangeLow = ephemeralLow()

    /// Where `pick` chooses: just below the kernel's ephemeral range, so a chosen port stays free for the next sign-in.
    public static let range: Range<Int> = max(1024, min(20000, ephemeralRangeLow - 4096))..<max(1025, ephemeralRangeLow)

    public static func pick() throws -> Int {
        for _ in 0..<64 {
            let candidate = Int.random(in: range)
            if let port = bind(candidate) { return port }
        }
        // Everything tried was taken: let the kernel choose.
        guard let port = bind(0) else { throw Failure() }
        return port
    }

    /// The first port of the kernel's ephemeral range (32768 when it cannot be read).
    static func ephemeralLow() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8),
              let first = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).first, let low = Int(first),
              low > 1024 else { return 32768 }
        return low
    }

    /// Whether 127.0.0.1:`port` can be bound now, as the listener will bind it (with SO_REUSEADDR).
    public static func isFree(_ port: Int) -> Bool { port > 0 && bind(port) == port }

    /// Binds 127.0.0.1:`port` (as the listener will, with SO_REUSEADDR) and releases it; the bound port, or nil.
    static func bind(_ port: Int) -> Int? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        return bound ? Int(UInt16(bigEndian: address.sin_port)) : nil
    }
}
