import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// What the client wrote on stdin, a line at a time (the stdio transport is newline-delimited JSON-RPC).
public enum StdinItem: Sendable {
    case line(Data)
    /// A line longer than the limit: its bytes were dropped up to the next newline.
    case tooLong(bytes: Int)
}

/// Reads a file descriptor on a thread of its own (a blocking read must not hold a pool thread) and
/// splits it into lines; a line over `limit` bytes is reported once and skipped, never buffered whole.
public enum StdinLines {
    public static let defaultLimit = 4 << 20

    public static func read(fd: Int32 = 0, limit: Int = defaultLimit) -> AsyncStream<StdinItem> {
        let (stream, continuation) = AsyncStream.makeStream(of: StdinItem.self, bufferingPolicy: .unbounded)
        let thread = Thread {
            var splitter = LineSplitter(limit: limit)
            var buffer = [UInt8](repeating: 0, count: 64 << 10)
            while true {
                let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                for item in splitter.feed(buffer[0..<n]) { continuation.yield(item) }
            }
            if let last = splitter.finish() { continuation.yield(last) }
            continuation.finish()
        }
        thread.name = "switchboard-stdin"
        thread.start()
        return stream
    }
}

/// Splits bytes into lines (LF, with an optional CR before it), bounded.
public struct LineSplitter: Sendable {
    let limit: Int
    private var pending: [UInt8] = []
    private var overflow = 0

    public init(limit: Int) { self.limit = limit }

    public mutating func feed(_ bytes: some Collection<UInt8>) -> [StdinItem] {
        var out: [StdinItem] = []
        var rest = bytes[...]
        while let newline = rest.firstIndex(of: 0x0A) {
            append(rest[..<newline])
            out.append(contentsOf: emit())
            rest = rest[rest.index(after: newline)...]
        }
        append(rest)
        return out
    }

    /// The last line, when the input ended without a newline.
    public mutating func finish() -> StdinItem? { emit().first }

    private mutating func append(_ bytes: some Collection<UInt8>) {
        if overflow > 0 || pending.count + bytes.count > limit {
            overflow += pending.count + bytes.count
            pending.removeAll()
        } else {
            pending.append(contentsOf: bytes)
        }
    }

    private mutating func emit() -> [StdinItem] {
        defer { pending.removeAll(keepingCapacity: pending.count <= 1 << 16); overflow = 0 }
        if overflow > 0 { return [.tooLong(bytes: overflow)] }
        if pending.last == 0x0D { pending.removeLast() }
        // Blank lines between messages are not messages.
        guard pending.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { return [] }
        return [.line(Data(pending))]
    }
}

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
