import Foundation
import SwitchboardCore
#if canImport(Glibc)
import Glibc
#endif

/// A cross-process lock for one scheme's refresh, held across the network call so a rotating refresh
/// token is used once. Waiting polls with `LOCK_NB` and sleeps, so no thread is blocked.
enum SchemeLock {
    static func withLock<T: Sendable>(isolation: isolated (any Actor)? = #isolation, directory: URL, schemeID: String, _ body: () async throws -> T) async throws -> T {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let safe = schemeID.filter { $0.isLetter || $0.isNumber || $0 == "-" }
        let path = directory.appendingPathComponent("\(safe).lock").path
        // Never through a link, and only our own 0600 file (as every file of the store).
        let opened: Int32?
        do { opened = try FileSystem.openPrivate(URL(fileURLWithPath: path), flags: O_RDWR | O_CREAT) } catch {
            throw AcquisitionError(.storage, "Could not open the lock file: \(error)", remedy: "Remove the file and try again.")
        }
        // With O_CREAT there is always a file.
        guard let fd = opened else { throw AcquisitionError(.storage, "Could not open the lock file \(path).") }
        defer { close(fd) }
        var delay: UInt64 = 1_000_000
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else { throw AcquisitionError(.storage, "Could not lock \(path).") }
            try await Task.sleep(nanoseconds: delay)
            delay = min(delay * 2, 20_000_000)
        }
        defer { flock(fd, LOCK_UN) }
        return try await body()
    }
}
