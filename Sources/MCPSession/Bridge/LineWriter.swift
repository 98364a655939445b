import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Writes whole messages to a file descriptor, one line each, from any task: a message is never
/// interleaved with another.
public final class LineWriter: Sendable {
    private let fd: Int32
    private let lock = Mutex(())

    public init(fd: Int32 = 1) { self.fd = fd }

    /// Writes `message` and a newline. The message must not contain a newline.
    public func write(_ message: Data) {
        var line = message
        line.append(0x0A)
        lock.withLock { _ in
            line.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                    if n < 0 {
                        if errno == EINTR { continue }
                        if errno == EAGAIN {
                            // A descriptor someone made non-blocking: wait until it takes more, never leave half a line.
                            var ready = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                            _ = poll(&ready, 1, -1)
                            continue
                        }
                        return    // the client went away; stdin's EOF ends the bridge
                    }
                    offset += n
                }
            }
        }
    }
}
