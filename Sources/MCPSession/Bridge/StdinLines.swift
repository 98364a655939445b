import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

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
