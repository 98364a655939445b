import Foundation
import SwitchboardCore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A server that misbehaves on the wire, for the engine's deadlines: every connection it accepts on 127.0.0.1
/// (a port from the kernel) gets the same treatment, whatever it asked. Each connection has a thread of its own
/// (blocking socket calls, off the cooperative pool); `stop()` closes them all.
public final class StallingServer: Sendable {
    public enum Behaviour: String, Sendable, CaseIterable, CustomStringConvertible {
        /// A complete head promising a long JSON body, then one byte of it every `interval`.
        case trickledBody
        /// A complete head promising a body, then nothing.
        case stalledBody
        /// A status line, then a header line every `interval`, never the blank line that ends the head.
        case endlessHeaders
        /// Accepts the connection, reads the request, and never answers.
        case silent

        public var description: String { rawValue }
    }

    public let behaviour: Behaviour
    public let port: Int
    private let interval: Duration
    private let givesUpAfter: Duration
    private let listener: Int32
    private struct State {
        var stopped = false
        var clients: Set<Int32> = []
        var accepted = 0
        var bytesSent = 0
    }
    private let state = Mutex(State())

    /// The server's origin (`http://127.0.0.1:PORT`).
    public var origin: URL { URL(string: "http://127.0.0.1:\(port)")! }
    /// Connections accepted so far.
    public var accepted: Int { state.withLock { $0.accepted } }
    /// Bytes written to clients so far (heads and trickled bodies).
    public var bytesSent: Int { state.withLock { $0.bytesSent } }

    /// `givesUpAfter`: how long it keeps one connection going before closing it on its own (so a test that
    /// fails by waiting still ends).
    public init(_ behaviour: Behaviour, interval: Duration = .milliseconds(200), givesUpAfter: Duration = .seconds(40)) throws {
        self.behaviour = behaviour
        self.interval = interval
        self.givesUpAfter = givesUpAfter
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EMFILE) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0 else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    /// Closes the listener and every connection.
    /// Runs once (tests call it and so does `deinit`): the listener is only shut down here, which wakes the
    /// accept loop, and the loop closes it as it ends. A second close, or a close while the loop may still
    /// call `accept`, could hit a descriptor number that another test's socket or lock file has been given.
    public func stop() {
        let first = state.withLock { s -> Bool in
            guard !s.stopped else { return false }
            s.stopped = true
            // Under the lock: a connection's thread takes it before it closes its descriptor, so none of these
            // numbers can have been closed and given to someone else meanwhile.
            for fd in s.clients { shutdown(fd, Int32(SHUT_RDWR)) }
            s.clients = []
            return true
        }
        if first { shutdown(listener, Int32(SHUT_RDWR)) }
    }

    deinit { stop() }

    private var stopped: Bool { state.withLock { $0.stopped } }

    private func acceptLoop() {
        defer { close(listener) }
        while !stopped {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return
            }
            let admitted = state.withLock { s -> Bool in
                guard !s.stopped else { return false }
                s.clients.insert(client)
                s.accepted += 1
                return true
            }
            guard admitted else { close(client); return }
            let thread = Thread { [self] in serve(client) }
            thread.start()
        }
    }

    private func serve(_ fd: Int32) {
        defer {
            let mine = state.withLock { $0.clients.remove(fd) != nil }
            if mine { shutdown(fd, Int32(SHUT_RDWR)) }
            close(fd)
        }
        readHead(fd)
        let end = ContinuousClock.now + givesUpAfter
        switch behaviour {
        case .trickledBody:
            guard write(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n") else { return }
            while !stopped, ContinuousClock.now < end {
                Thread.sleep(forTimeInterval: interval.seconds)
                guard write(fd, " ") else { return }
            }
        case .stalledBody:
            guard write(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{") else { return }
            idle(fd, until: end)
        case .endlessHeaders:
            guard write(fd, "HTTP/1.1 200 OK\r\n") else { return }
            var n = 0
            while !stopped, ContinuousClock.now < end {
                Thread.sleep(forTimeInterval: interval.seconds)
                n += 1
                guard write(fd, "X-Still-Coming-\(n): yes\r\n") else { return }
            }
        case .silent:
            idle(fd, until: end)
        }
    }

    /// Reads until the end of the request head (or what comes within a second); the body, if any, is ignored.
    private func readHead(_ fd: Int32) {
        var seen = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        var waiting = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        while seen.count < 1 << 16, poll(&waiting, 1, 1000) > 0 {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { return }
            seen += buffer[0..<n]
            if seen.count >= 4, String(decoding: seen, as: UTF8.self).contains("\r\n\r\n") { return }
        }
    }

    /// Says nothing, noticing a client that hangs up (its read ends) or `stop()`.
    private func idle(_ fd: Int32, until end: ContinuousClock.Instant) {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !stopped, ContinuousClock.now < end {
            var waiting = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&waiting, 1, 100) >= 0 else { return }
            if waiting.revents != 0, recv(fd, &buffer, buffer.count, 0) <= 0 { return }
        }
    }

    private func write(_ fd: Int32, _ text: String) -> Bool {
        let bytes = Array(text.utf8)
        let n = send(fd, bytes, bytes.count, Int32(MSG_NOSIGNAL))
        guard n == bytes.count else { return false }
        state.withLock { $0.bytesSent += n }
        return true
    }
}
