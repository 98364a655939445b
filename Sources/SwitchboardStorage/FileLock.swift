import Foundation
import SwitchboardModel
import SwitchboardText
import SwitchboardSystem
#if canImport(Glibc)
import Glibc
#endif

/// A `flock` on a lock file, so that Switchboard processes take turns at read-modify-write (exclusive), or
/// several may append while none rewrites (shared).
public final class FileLock: @unchecked Sendable {
    private let path: String
    // One in-process mutex in front of flock: flock locks are per open file description, so two
    // threads in one process would otherwise both pass.
    private let mutex = NSLock()

    public init(url: URL) { self.path = url.path }

    /// Runs `body` while holding the lock (`shared`: alongside other shared holders, never with an exclusive one).
    public func withLock<T>(shared: Bool = false, _ body: () throws -> T) throws -> T {
        mutex.lock()
        defer { mutex.unlock() }
        // Never through a link (a planted symlink would make us create or lock someone else's file),
        // and only our own 0600 file.
        guard let fd = try FileSystem.openPrivate(URL(fileURLWithPath: path), flags: O_RDWR | O_CREAT) else {
            throw FileSystemError(operation: "open lock file", path: path, code: ENOENT)
        }
        defer { close(fd) }
        while flock(fd, shared ? LOCK_SH : LOCK_EX) != 0 {
            if errno != EINTR { throw FileSystemError(operation: "lock", path: path, code: errno) }
        }
        defer { flock(fd, LOCK_UN) }
        return try body()
    }
}
