import Crypto
import Foundation
import SwitchboardCore
#if canImport(Glibc)
import Glibc
#endif

/// A cross-process lock for one scheme's refresh, held across the network call so a rotating refresh
/// token is used once. Waiting polls without blocking and sleeps, so no thread is blocked.
///
/// Every scheme's lock is one byte of one file, `locks/schemes.lock`, locked with an open-file-description
/// lock (Linux `F_OFD_SETLK`): it excludes other processes and other descriptors in this process alike. The
/// byte is at an offset derived from the scheme id (48 bits of its SHA-256), so two schemes share a byte only
/// by a 1-in-2^48 chance, and then merely take turns. One file instead of one per scheme: the first refresh
/// storm of 10,000 schemes created 10,000 lock files, and creating them (inode allocation) was over a quarter
/// of the storm's time.
enum SchemeLock {
    static func withLock<T: Sendable>(isolation: isolated (any Actor)? = #isolation, directory: URL, schemeID: String, time: TimeSource, _ body: () async throws -> T) async throws -> T {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let url = directory.appendingPathComponent("schemes.lock")
        // Never through a link, and only our own 0600 file (as every file of the store).
        let opened: Int32?
        do { opened = try FileSystem.openPrivate(url, flags: O_RDWR | O_CREAT) } catch {
            throw AcquisitionError(.storage, "Could not open the lock file: \(error)", remedy: "Remove the file and try again.")
        }
        // With O_CREAT there is always a file.
        guard let fd = opened else { throw AcquisitionError(.storage, "Could not open the lock file \(url.path).") }
        defer { close(fd) }    // closing the descriptor releases its locks too
        let offset = byte(for: schemeID)
        var delay = Duration.milliseconds(1)
        while !lock(fd, at: offset, F_WRLCK) {
            guard errno == EAGAIN || errno == EACCES || errno == EINTR else {
                throw AcquisitionError(.storage, "Could not lock \(url.path): \(String(cString: strerror(errno))).")
            }
            try await time.sleep(for: delay)
            delay = min(delay * 2, .milliseconds(20))
        }
        defer { _ = lock(fd, at: offset, F_UNLCK) }
        return try await body()
    }

    /// The byte of `schemes.lock` that stands for this scheme.
    static func byte(for schemeID: String) -> Int64 {
        Int64(SHA256.hash(data: Data(schemeID.utf8)).prefix(6).reduce(0) { $0 << 8 | UInt64($1) })
    }

    /// Takes (or, with `F_UNLCK`, releases) an open-file-description lock on one byte, without waiting.
    private static func lock(_ fd: Int32, at offset: Int64, _ type: Int32) -> Bool {
        var region = flock()
        region.l_type = Int16(type)
        region.l_whence = Int16(SEEK_SET)
        region.l_start = off_t(offset)
        region.l_len = 1
        region.l_pid = 0    // required for OFD locks
        return fcntl(fd, ofdSetLock, &region) == 0
    }

    /// `F_OFD_SETLK` (Linux 3.15+; <fcntl.h> defines it only under _GNU_SOURCE, so Swift does not see it).
    private static let ofdSetLock: Int32 = 37
}
