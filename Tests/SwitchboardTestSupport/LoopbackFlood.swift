import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Sends many small raw HTTP requests to a loopback port from a plain thread (cheap: no HTTP client stack).
public enum LoopbackFlood {
    /// Returns how many requests got any answer.
    public static func send(port: Int, count: Int, path: @escaping @Sendable (Int) -> String) async -> Int {
        await withCheckedContinuation { continuation in
            Thread {
                var answered = 0
                for i in 0..<count {
                    guard let fd = connected(port) else { continue }
                    let request = "GET \(path(i)) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                    _ = request.withCString { Glibc.write(fd, $0, strlen($0)) }
                    var buffer = [UInt8](repeating: 0, count: 512)
                    if Glibc.read(fd, &buffer, buffer.count) > 0 { answered += 1 }
                    close(fd)
                }
                continuation.resume(returning: answered)
            }.start()
        }
    }

    /// Sends each path in its own connection; returns each answer's status line (empty when none).
    public static func statusLines(port: Int, paths: [String]) async -> [String] {
        await withCheckedContinuation { continuation in
            Thread {
                continuation.resume(returning: paths.map { path in
                    guard let fd = connected(port) else { return "" }
                    defer { close(fd) }
                    let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                    _ = request.withCString { Glibc.write(fd, $0, strlen($0)) }
                    var buffer = [UInt8](repeating: 0, count: 512)
                    let n = Glibc.read(fd, &buffer, buffer.count)
                    guard n > 0 else { return "" }
                    return String(decoding: buffer[0..<n], as: UTF8.self).components(separatedBy: "\r\n").first ?? ""
                })
            }.start()
        }
    }

    /// Opens a connection and sends nothing; returns after how many seconds the server closed it, or nil
    /// when it was still open after `waitingAtMost` seconds.
    public static func idle(port: Int, waitingAtMost limit: Int) async -> Double? {
        await withCheckedContinuation { continuation in
            Thread {
                guard let fd = connected(port) else { return continuation.resume(returning: nil) }
                defer { close(fd) }
                var timeout = timeval(tv_sec: limit, tv_usec: 0)
                setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                let start = Date()
                var buffer = [UInt8](repeating: 0, count: 64)
                let n = Glibc.read(fd, &buffer, buffer.count)
                continuation.resume(returning: n == 0 ? Date().timeIntervalSince(start) : nil)
            }.start()
        }
    }

    static func connected(_ port: Int) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let ok = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if ok != 0 {
            close(fd)
            return nil
        }
        return fd
    }
}
