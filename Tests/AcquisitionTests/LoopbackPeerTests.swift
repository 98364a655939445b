@testable import Acquisition
import EngineTestSupport
import Foundation
import NIOCore
import Synchronization
import SwitchboardCore
import SwitchboardFixtures
import SwitchboardTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The loopback listener refuses sign-in responses from other user accounts on this machine.
@Suite struct LoopbackPeerTests {
    /// Connecting as another user needs root (to become uid 65534), `setpriv` and `curl`.
    static let canActAsAnotherUser = getuid() == 0
        && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")
        && FileManager.default.isExecutableFile(atPath: "/usr/bin/curl")

    /// The code the listener received, or nil after `seconds`: a refused visit must fail the test, not hang it.
    static func code(_ listener: LoopbackListener, within seconds: Double = 30) async throws -> String? {
        try await withThrowingTaskGroup(of: String?.self) { group in
            group.addTask { try await listener.waitForCode() }
            group.addTask { try await Task.sleep(for: .seconds(seconds)); return nil }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
    }

    /// Runs curl as uid 65534 (nobody); returns the HTTP status it got ("000": no answer).
    static func curlAsAnotherUser(_ url: String, follow: Bool = false) async throws -> String {
        let argv = ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                    "/usr/bin/curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10"] + (follow ? ["-L"] : []) + [url]
        return try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result {
                    String(decoding: try Spawned.run(argv, stdin: nil, environment: ["PATH": "/usr/bin:/bin"]).stdout, as: UTF8.self)
                })
            }.start()
        }
    }

    /// Another user who read the authorization URL (from `ps`, the browser's command line) follows it and
    /// lands on the callback with a code of their own: refused, and the person's own sign-in still completes.
    @Test(.enabled(if: canActAsAnotherUser, "needs root, setpriv and curl to connect as another user (uid 65534)"))
    func anotherUsersCallbackIsRefusedAndTheRealOneCompletes() async throws {
        let theirs = Mutex<String?>(nil)
        try await withHarness(Harness.make(browser: ClosureBrowser { url in
            let status = try? await Self.curlAsAnotherUser(url.absoluteString, follow: true)
            theirs.withLock { $0 = status }
            return await HeadlessBrowser.visit(url) == 200
        })) { h in
            let id = try h.add()
            let events = await h.connect(id)
            #expect(theirs.withLock { $0 } == "403", "another user's callback was not refused")
            #expect(events.connected, "\(events.failure.map { "\($0)" } ?? "")")
            #expect(h.fixture.counters.codeExchanges == 1)
        }
    }

    /// The same from an IPv6 socket (`::ffff:127.0.0.1`, listed in /proc/net/tcp6), straight at the listener:
    /// the refusal leaves the sign-in's `state` unspent, and the real callback completes it.
    @Test(.enabled(if: canActAsAnotherUser && FileManager.default.fileExists(atPath: "/proc/net/tcp6"),
                   "needs root, setpriv, curl and IPv6 to connect as another user (uid 65534)"))
    func anotherUsersCallbackOverIPv6IsRefused() async throws {
        let listener = try await LoopbackListener.start(validate: Self.expecting(state: "s1"))
        let v4 = try await Self.curlAsAnotherUser(listener.redirectURI + "?state=s1&code=theirs")
        let v6 = try await Self.curlAsAnotherUser("http://[::ffff:127.0.0.1]:\(listener.port)/callback?state=s1&code=theirs6")
        #expect(v4 == "403")
        #expect(v6 == "403" || v6 == "000", "an IPv6 client of another user got \(v6)")
        #expect(await HeadlessBrowser.visit(URL(string: listener.redirectURI + "?state=s1&code=mine")!) == 200)
        #expect(try await Self.code(listener) == "mine")
        await listener.close()
    }

    /// When the owner cannot be told, the response is refused too, and the sign-in goes on.
    @Test func anUnconfirmedPeerIsRefusedWithoutEndingTheSignIn() async throws {
        let verdict = Mutex<LoopbackPeer.Verdict>(.unknown)
        let listener = try await LoopbackListener.start(peer: { _, _ in verdict.withLock { $0 } }, validate: Self.expecting(state: "s1"))
        #expect(await HeadlessBrowser.visit(URL(string: listener.redirectURI + "?state=s1&code=unknown")!) == 403)
        verdict.withLock { $0 = .otherUser(65534) }
        #expect(await HeadlessBrowser.visit(URL(string: listener.redirectURI + "?state=s1&code=other")!) == 403)
        // Noise is answered as before, without asking whose it is.
        #expect(await HeadlessBrowser.visit(URL(string: listener.redirectURI.replacingOccurrences(of: "/callback", with: "/favicon.ico"))!) == 404)
        verdict.withLock { $0 = .sameUser }
        #expect(await HeadlessBrowser.visit(URL(string: listener.redirectURI + "?state=s1&code=mine")!) == 200)
        #expect(try await Self.code(listener) == "mine")
        await listener.close()
    }

    /// This process's own connection is found in the kernel's tables and is its own.
    @Test func ownConnectionsAreRecognised() async throws {
        #if os(Linux)
        let seen = Mutex<LoopbackPeer.Verdict?>(nil)
        let listener = try await LoopbackListener.start(peer: { local, remote in
            let v = LoopbackPeer.check(local: local, remote: remote)
            seen.withLock { $0 = v }
            return v
        }, validate: Self.expecting(state: "s1"))
        #expect(await HeadlessBrowser.visit(URL(string: listener.redirectURI + "?state=s1&code=mine")!) == 200)
        #expect(seen.withLock { $0 } == .sameUser)
        await listener.close()
        #endif
    }

    /// The kernel's exact lookup answers for a live connection (so the table walk is only the fallback), for an
    /// IPv4 client and a dual-stack IPv6 client reaching 127.0.0.1 alike; a closed client's socket belongs to no
    /// process; and a lookup that would land on our own listening socket names no one.
    @Test func theKernelNamesTheOwnerOfOneConnection() throws {
        #if os(Linux)
        let server = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(server >= 0)
        defer { close(server) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let listening = withUnsafeMutablePointer(to: &address) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                bind(server, sa, length) == 0 && listen(server, 4) == 0 && getsockname(server, sa, &length) == 0
            }
        }
        try #require(listening)
        let listenerAddress = try SocketAddress(ipAddress: "127.0.0.1", port: Int(UInt16(bigEndian: address.sin_port)))
        // A dual-stack client only where this machine has IPv6 sockets that may reach IPv4 addresses.
        let families = [AF_INET] + (FileManager.default.fileExists(atPath: "/proc/net/tcp6")
            && (try? String(contentsOfFile: "/proc/sys/net/ipv6/bindv6only", encoding: .utf8))?.hasPrefix("0") == true ? [AF_INET6] : [])
        for family in families {
            let client = socket(family, Int32(SOCK_STREAM.rawValue), 0)
            try #require(client >= 0)
            var clientOpen = true
            defer { if clientOpen { close(client) } }
            let target = try SocketAddress(ipAddress: family == AF_INET ? "127.0.0.1" : "::ffff:127.0.0.1", port: listenerAddress.port!)
            try #require(target.withSockAddr { connect(client, $0, socklen_t($1)) } == 0)
            var peer = sockaddr_storage()
            var peerLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let accepted = withUnsafeMutablePointer(to: &peer) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { accept(server, $0, &peerLength) } }
            try #require(accepted >= 0)
            defer { close(accepted) }
            let remote = withUnsafeBytes(of: peer) { raw in
                raw.baseAddress!.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { SocketAddress($0.pointee, host: "127.0.0.1") }
            }
            #expect(LoopbackPeer.askKernel(peer: remote, connectedTo: listenerAddress) == .owner(UInt32(getuid())))
            #expect(LoopbackPeer.check(local: listenerAddress, remote: remote) == .sameUser)
            close(client)
            clientOpen = false
            // The client's side is closed: what is left (FIN_WAIT2, no inode) belongs to no process.
            #expect(LoopbackPeer.askKernel(peer: remote, connectedTo: listenerAddress) == .noProcess)
        }
        // No connection from the listener's own address and port to a port nobody uses: the kernel's lookup falls
        // back to a listening socket there (ours), which must name no one.
        let nobody = try SocketAddress(ipAddress: "127.0.0.1", port: 9)
        #expect(LoopbackPeer.askKernel(peer: listenerAddress, connectedTo: nobody) == .unanswered)
        // A connection that never existed: the kernel says so.
        let stranger = try SocketAddress(ipAddress: "127.0.0.1", port: 9)
        #expect(LoopbackPeer.askKernel(peer: stranger, connectedTo: listenerAddress) == .absent)
        #endif
    }

    /// The table parser: the peer's socket (local = the client, remote = the listener), not ours; TIME_WAIT
    /// entries skipped; two owners for one address is no answer; IPv4-mapped entries in tcp6.
    @Test func theSocketTablesAreReadByAddress() throws {
        let listener = try SocketAddress(ipAddress: "127.0.0.1", port: 8080)
        let client = try SocketAddress(ipAddress: "127.0.0.1", port: 50000)
        let l = LoopbackPeer.keys(listener).first { $0.count == 13 }!, c = LoopbackPeer.keys(client).first { $0.count == 13 }!
        #if _endian(little)
        #expect(l == "0100007F:1F90" && c == "0100007F:C350")
        #endif
        let header = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
        func row(_ local: String, _ remote: String, _ state: String, _ uid: Int, inode: Int = 4242) -> String {
            "   1: \(local) \(remote) \(state) 00000000:00000000 00:00000000 00000000  \(uid)        0 \(inode) 1 0000000000000000 20 4 30 10 -1\n"
        }
        let ours = row(l, c, "01", 1000), theirs = row(c, l, "01", 1001), old = row(c, l, "06", 0)
        #expect(LoopbackPeer.owner(of: client, connectedTo: listener, tables: [header + ours + theirs + old]) == 1001)
        #expect(LoopbackPeer.owner(of: client, connectedTo: listener, tables: [header + ours + old]) == nil)
        #expect(LoopbackPeer.owner(of: client, connectedTo: listener, tables: [header + theirs + row(c, l, "01", 1002)]) == nil)
        #expect(LoopbackPeer.owner(of: client, connectedTo: listener, tables: [header]) == nil)
        // Another user sends the whole callback and closes at once: their socket becomes an orphan (FIN_WAIT2,
        // inode 0), which the table lists with uid 0. That is no one's identity, least of all root's.
        let orphan = row(c, l, "05", 0, inode: 0)
        #expect(LoopbackPeer.owner(of: client, connectedTo: listener, tables: [header + ours + orphan]) == nil)
        #expect(LoopbackPeer.owner(of: client, connectedTo: listener, tables: [header + ours + orphan + theirs]) == 1001)
        // A client's IPv6 socket: both addresses as IPv4-mapped IPv6, four words each.
        let l6 = LoopbackPeer.keys(listener).first { $0.count == 37 }!, c6 = LoopbackPeer.keys(client).first { $0.count == 37 }!
        #if _endian(little)
        #expect(l6 == "0000000000000000FFFF00000100007F:1F90")
        #endif
        let header6 = "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
        #expect(LoopbackPeer.owner(of: client, connectedTo: listener, tables: [header + ours, header6 + row(c6, l6, "01", 1003)]) == 1003)
    }

    static func expecting(state: String) -> @Sendable ([(String, String)]) -> LoopbackListener.Verdict {
        { query in
            switch CallbackValidator(expectedState: state, issuer: "https://as.example", issRequired: false).validate(query) {
            case .success(let code): .accept(code: code)
            case .failure(let e): .reject(e)
            }
        }
    }
}
