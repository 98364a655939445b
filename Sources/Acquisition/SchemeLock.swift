import Crypto
import Foundation
import SwitchboardCore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A cross-process lock for one scheme's refresh, held across the network call so a rotating refresh
/// token is used once. Waiting polls without blocking and sleeps, so no thread is blocked, and gives up after
/// a bound, saying who holds the lock.
///
/// Every scheme's lock is one byte of one file, `locks/schemes.lock`, locked with an open-file-description
/// lock (Linux `F_OFD_SETLK`): it excludes other processes and other descriptors in this process alike. The
/// byte is at an offset derived from the scheme id (48 bits of its SHA-256), so two schemes share a byte only
/// by a 1-in-2^48 chance, and then merely take turns. One file instead of one per scheme: the first refresh
/// storm of 10,000 schemes created 10,000 lock files, and creating them (inode allocation) was over a quarter
/// of the storm's time.
///
/// The holder writes who it is (pid, since when) into a 64-byte slot at the start of the same file (a slot
/// per scheme, by hash; a record names its scheme, so a shared slot is never misread). The kernel releases an
/// OFD lock when its holder dies, so the lock is never stale; the record is only read while the lock is held.
enum SchemeLock {
    /// Who holds a scheme's lock, as the holder recorded it.
    struct Holder: Equatable, Sendable {
        var pid: Int32
        var since: Date
    }

    /// The lock was not free within the wait; `holder` is nil when the holder left no record.
    struct Busy: Error, Equatable {
        var holder: Holder?
        var waited: Duration
    }

    static func withLock<T: Sendable>(isolation: isolated (any Actor)? = #isolation, directory: URL, schemeID: String, time: TimeSource,
                                      wait: Duration = .seconds(30), _ body: () async throws -> T) async throws -> T {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let url = directory.appendingPathComponent("schemes.lock")
        // Never through a link, and only our own 0600 file (as every file of the store).
        let opened: Int32?
        do { opened = try FileSystem.openPrivate(url, flags: O_RDWR | O_CREAT) } catch {
            throw AcquisitionError(.storage, "Could not open the lock file: \(error)", remedy: .advice("Remove the file and try again."))
        }
        // With O_CREAT there is always a file.
        guard let fd = opened else { throw AcquisitionError(.storage, "Could not open the lock file \(url.path).") }
        defer { close(fd) }    // closing the descriptor releases its locks too
        let offset = byte(for: schemeID)
        let started = time.now()
        var delay = Duration.milliseconds(1)
        while !lock(fd, at: offset, F_WRLCK) {
            guard errno == EAGAIN || errno == EACCES || errno == EINTR else {
                throw AcquisitionError(.storage, "Could not lock \(url.path): \(String(cString: strerror(errno))).")
            }
            let waited = time.now().timeIntervalSince(started)
            if waited >= wait.seconds {
                throw Busy(holder: holder(fd, schemeID: schemeID, now: time.now()), waited: .milliseconds(Int64(waited * 1000)))
            }
            try await time.sleep(for: delay)
            delay = min(delay * 2, .milliseconds(20))
        }
        let record = Self.record(schemeID: schemeID, pid: getpid(), since: time.now())
        write(record, fd, schemeID: schemeID)
        defer {
            // Cleared only while it is still ours (a scheme sharing the slot may have written since).
            if read(fd, schemeID: schemeID) == record { write(Data(repeating: 0x20, count: slotSize - 1) + Data([0x0A]), fd, schemeID: schemeID) }
            _ = lock(fd, at: offset, F_UNLCK)
        }
        return try await body()
    }

    /// The byte of `schemes.lock` that stands for this scheme.
    static func byte(for schemeID: String) -> Int64 {
        Int64(SHA256.hash(data: Data(schemeID.utf8)).prefix(6).reduce(0) { $0 << 8 | UInt64($1) })
    }

    // MARK: - Holder records

    static let slotSize = 64
    static let slots: Int64 = 4096

    /// `sb <scheme key> <pid> <process start> <unix ms>`, space-padded to the slot, ending in a newline
    /// (readable with `cat`). The process start (clock ticks after boot, from /proc) tells the holder apart
    /// from a later process that was given the same pid.
    static func record(schemeID: String, pid: Int32, since: Date, started: UInt64? = ownStart) -> Data {
        let text = "sb \(key(schemeID)) \(pid) \(started ?? 0) \(Int64((since.timeIntervalSince1970 * 1000).rounded()))"
        return Data((text + String(repeating: " ", count: max(0, slotSize - 1 - text.utf8.count)) + "\n").utf8.prefix(slotSize))
    }

    /// This process's start, read once (a storm takes the lock ten thousand times). Unreadable (no /proc), it
    /// stays nil, and the records name no one (`holder` needs a start to confirm a pid).
    static var ownStart: UInt64? {
        let known = knownStart.load(ordering: .relaxed)
        if known != 0 { return known }
        // Only a successful read is kept (a failed one, say out of descriptors mid-storm, is tried again).
        guard let start = processStart(getpid()) else { return nil }
        knownStart.store(start, ordering: .relaxed)
        return start
    }
    private static let knownStart = Atomic<UInt64>(0)

    /// A record older than this is not believed: no refresh holds the lock that long (its exchanges each have a
    /// deadline), so it was left by a holder that died (or an older Switchboard), whatever holds the lock now.
    static let believable: TimeInterval = 600

    /// The recorded holder of this scheme's lock, if the slot holds this scheme's record and the process it
    /// names is still the one that wrote it (same pid and same start, seen in this pid namespace's /proc).
    /// A record that cannot be confirmed names no one: a message must never point at an unrelated process.
    static func holder(_ fd: Int32, schemeID: String, now: Date = Date(), processStart: (Int32) -> UInt64? = processStart) -> Holder? {
        guard let data = read(fd, schemeID: schemeID) else { return nil }
        let words = String(decoding: data, as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard words.count == 5, words[0] == "sb", words[1] == key(schemeID), let pid = Int32(words[2]), pid > 0,
              let started = UInt64(words[3]), started > 0, let ms = Int64(words[4]) else { return nil }
        let since = Date(timeIntervalSince1970: Double(ms) / 1000)
        let age = now.timeIntervalSince(since)
        guard age.isFinite, age > -5, age < believable, processStart(pid) == started else { return nil }
        return Holder(pid: pid, since: since)
    }

    /// When process `pid` started (field 22 of /proc/PID/stat, clock ticks after boot); nil if there is no such
    /// process here or its line cannot be read.
    static func processStart(_ pid: Int32) -> UInt64? {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/stat"), data.count < 4096 else { return nil }
        let text = String(decoding: data, as: UTF8.self)
        // The command name (field 2) is in parentheses and may hold spaces or parentheses: count after the last.
        guard let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ", omittingEmptySubsequences: true)
        return fields.count > 19 ? UInt64(fields[19]) : nil
    }

    private static func key(_ schemeID: String) -> String { String(byte(for: schemeID), radix: 16) }

    static func slot(_ schemeID: String) -> off_t { off_t(byte(for: schemeID) % slots) * off_t(slotSize) }

    private static func read(_ fd: Int32, schemeID: String) -> Data? {
        var buffer = [UInt8](repeating: 0, count: slotSize)
        let n = pread(fd, &buffer, slotSize, slot(schemeID))
        return n == slotSize ? Data(buffer) : nil
    }

    /// Best effort: a record that cannot be written only makes a waiter's message vaguer.
    static func write(_ data: Data, _ fd: Int32, schemeID: String) {
        _ = data.withUnsafeBytes { pwrite(fd, $0.baseAddress, data.count, slot(schemeID)) }
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
