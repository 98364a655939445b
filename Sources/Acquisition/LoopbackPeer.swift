import Foundation
import NIOCore
import CSocketOwner
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which user account is at the other end of a connection to the loopback listener.
///
/// Every account on the machine can connect to 127.0.0.1, and another user can read the authorization URL
/// (with its `state`) from the browser's command line: following it, they could end this person's sign-in
/// with their own account's code. On Linux the kernel lists each TCP socket with the uid that owns it in
/// `/proc/net/tcp` (and `/proc/net/tcp6`, where a client's IPv6 socket reaching 127.0.0.1 shows as
/// `::ffff:127.0.0.1`); the peer's socket is the one whose local address is our remote address and whose
/// remote address is our local one.
public enum LoopbackPeer {
    /// Whose connection it is.
    public enum Verdict: Equatable, Sendable {
        case sameUser
        case otherUser(UInt32)
        /// The tables do not say (unreadable, the socket already gone, or two owners listed).
        case unknown
    }

    static let tables = ["/proc/net/tcp", "/proc/net/tcp6"]

    /// Whether the connection from `remote` to our `local` address comes from this process's user (its real
    /// uid: the person who started Switchboard).
    ///
    /// `.unknown` is refused like another user: on Linux a connected socket is listed for as long as it is
    /// connected, so a missing or doubtful entry means something unusual (a sandbox that hides the tables,
    /// the client already gone). Refusing costs the person a paste (the refusal page says how; the pasted
    /// address comes from their own terminal); accepting could hand their sign-in to another account.
    public static func check(local: SocketAddress?, remote: SocketAddress?) -> Verdict {
        #if os(Linux)
        guard let local, let remote else { return .unknown }
        // First the kernel's exact lookup of the one socket (NETLINK_SOCK_DIAG, tens of microseconds): the
        // tables below are a walk of every socket on the machine, thousands of rows on a busy one, and this
        // runs on the listener's event loop.
        switch askKernel(peer: remote, connectedTo: local) {
        case .owner(let uid):
            kernelAnswers.store(true, ordering: .relaxed)
            return uid == UInt32(getuid()) ? .sameUser : .otherUser(uid)
        case .noProcess:
            kernelAnswers.store(true, ordering: .relaxed)
            return .unknown
        case .absent:
            // The kernel gives one error for "no such socket" and "no tcp_diag to ask". Once it has answered in
            // this process it can be asked, so the socket is gone (a client that sent its request and reset the
            // connection): no table walk on the event loop for that.
            if kernelAnswers.load(ordering: .relaxed) { return .unknown }
        case .unanswered:
            break
        }
        // The kernel cannot be asked: the tables decide. They are no snapshot: the kernel walks its hash table
        // between reads, so while sockets come and go (a busy machine, a parallel test run) a row can be skipped. A connection that is not found is
        // looked for again, a few times, before it counts as unknown.
        for attempt in 0..<4 {
            if attempt > 0 { usleep(UInt32(2_000 * attempt)) }
            let text = tables.compactMap(read)
            guard !text.isEmpty else { return .unknown }
            if let uid = owner(of: remote, connectedTo: local, tables: text) {
                return uid == UInt32(getuid()) ? .sameUser : .otherUser(uid)
            }
        }
        return .unknown
        #else
        // No /proc on macOS and the BSDs: the check is Linux's. Elsewhere the listener behaves as before
        // (`state` and PKCE still bind the response to this sign-in).
        return .sameUser
        #endif
    }

    enum KernelAnswer: Equatable { case owner(UInt32), noProcess, absent, unanswered }

    /// Whether sock_diag has answered in this process (found a socket, or found it owned by no process).
    static let kernelAnswers = Atomic<Bool>(false)

    /// The owner of the socket at `peer` connected to `local`, from one exact sock_diag lookup. A dual-stack
    /// IPv6 client that reached our IPv4 address is found by the IPv4 lookup (the kernel hashes it by its
    /// IPv4 addresses).
    static func askKernel(peer: SocketAddress, connectedTo local: SocketAddress) -> KernelAnswer {
        func parts(_ address: SocketAddress) -> (family: Int32, bytes: [UInt8], port: UInt16)? {
            guard let port = address.port, let p = UInt16(exactly: port) else { return nil }
            switch address {
            case .v4(let a): return (AF_INET, withUnsafeBytes(of: a.address.sin_addr) { Array($0) }, p)
            case .v6(let a): return (AF_INET6, withUnsafeBytes(of: a.address.sin6_addr) { Array($0) }, p)
            default: return nil
            }
        }
        guard let from = parts(peer), let to = parts(local), from.family == to.family else { return .unanswered }
        var uid: UInt32 = 0
        // The socket asked about is the client's: its own end is `peer`, its other end our `local`.
        let answer = from.bytes.withUnsafeBufferPointer { client in
            to.bytes.withUnsafeBufferPointer { listener in
                sb_socket_owner(from.family, client.baseAddress, from.port, listener.baseAddress, to.port, &uid)
            }
        }
        switch answer {
        case SB_SOCKET_FOUND: return .owner(uid)
        case SB_SOCKET_ORPHAN: return .noProcess
        case SB_SOCKET_ABSENT: return .absent
        default: return .unanswered
        }
    }

    /// The uid the tables list for the socket at `peer` connected to `local`; nil when none or more than one.
    static func owner(of peer: SocketAddress, connectedTo local: SocketAddress, tables: [String]) -> UInt32? {
        let peerKeys = keys(peer), localKeys = keys(local)
        guard !peerKeys.isEmpty, !localKeys.isEmpty else { return nil }
        var owners = Set<UInt32>()
        // Only the rows that name the peer are split into fields: the lookup runs on the listener's event loop,
        // and a busy machine's tables hold thousands of rows (every TIME_WAIT of the last minute).
        for table in tables {
            for key in peerKeys {
                var from = table.startIndex
                while from < table.endIndex, let hit = table.range(of: " \(key) ", range: from..<table.endIndex) {
                    from = hit.upperBound
                    let start = table[..<hit.lowerBound].lastIndex(of: "\n").map { table.index(after: $0) } ?? table.startIndex
                    let end = table[hit.upperBound...].firstIndex(of: "\n") ?? table.endIndex
                    // `sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode …`
                    let f = table[start..<end].split(separator: " ", omittingEmptySubsequences: true)
                    guard f.count > 9, f[1] == key, localKeys.contains(String(f[2])) else { continue }
                    // Entries of no process: TIME_WAIT (06), and orphans (inode 0: a socket its owner closed, such
                    // as a FIN_WAIT2 left by a client that sent its request and closed at once). The table prints
                    // uid 0 for them, which would read as root: a closed connection proves no one's identity.
                    guard f[3] != "06", f[9] != "0", let uid = UInt32(f[7]) else { continue }
                    owners.insert(uid)
                }
            }
        }
        return owners.count == 1 ? owners.first : nil
    }

    /// How the kernel prints an address in the socket tables: the IPv4 form (`0100007F:1F90` on a
    /// little-endian machine: the 32-bit word as the CPU reads it, then the port) and its IPv4-mapped IPv6
    /// form; an IPv6 address as four such words.
    static func keys(_ address: SocketAddress) -> Set<String> {
        guard let port = address.port, (0...65535).contains(port) else { return [] }
        let p = ":" + hex(UInt32(port), digits: 4)
        switch address {
        case .v4(let a):
            let word = hex(a.address.sin_addr.s_addr, digits: 8)
            let mapped = hex(0, digits: 8) + hex(0, digits: 8) + hex(UInt32(0x0000_FFFF).bigEndian, digits: 8) + word
            return [word + p, mapped + p]
        case .v6(let a):
            let bytes = withUnsafeBytes(of: a.address.sin6_addr) { Array($0) }
            guard bytes.count == 16 else { return [] }
            let words = stride(from: 0, to: 16, by: 4).map { i in
                bytes[i..<i + 4].withUnsafeBytes { hex($0.loadUnaligned(as: UInt32.self), digits: 8) }
            }
            return [words.joined() + p]
        default:
            return []
        }
    }

    static func hex(_ value: UInt32, digits: Int) -> String {
        let s = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - s.count)) + s
    }

    /// A socket table, read to its end (the kernel reports a size of 0); nil when it cannot be read.
    static func read(_ path: String) -> String? {
        // Large reads: the kernel fills each one with as many rows as fit, so fewer reads give a walk of the
        // table fewer places to miss a row. At most 16 MiB (a machine with 100,000 sockets).
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while data.count < 16 << 20 {
            #if canImport(Glibc)
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            #else
            let n = buffer.withUnsafeMutableBytes { Darwin.read(fd, $0.baseAddress, $0.count) }
            #endif
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { return nil }
            if n == 0 { break }
            data.append(contentsOf: buffer[0..<n])
        }
        return String(decoding: data, as: UTF8.self)
    }
}
