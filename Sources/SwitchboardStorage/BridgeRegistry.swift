import Foundation
import SwitchboardModel
import SwitchboardText
import SwitchboardSystem
#if canImport(Glibc)
import Glibc
#endif

/// The bridges running now: one file per bridge in `<home>/bridges/`, each held with a lock by its bridge for
/// as long as it lives. The kernel drops the lock when the process ends, however it ends (SIGKILL too), so a
/// reader tells a live entry from a dead one by trying the lock, never by the pid (which the system reuses).
///
/// - The directory is 0700 and never followed through a link; entries are 0600 files owned by this user,
///   reached only relative to the directory's descriptor (`openat`), never by a path that could be swapped.
/// - An entry is `<pid>-<16 hex>.bridge`, one JSON object. The bridge rewrites it in place on its locked
///   descriptor (`BridgeLease`), so the lock lives as long as the bridge.
/// - Entries are other processes' words: read bounded, decoded strictly, texts bounded and made safe; a
///   live entry that does not parse (torn mid-write, or damaged) is skipped, not fatal.
public final class BridgeRegistry: Sendable {
    public let directory: URL
    let time: TimeSource
    let writeInterval: TimeInterval

    /// An entry larger than this is not read (a record is a few hundred bytes; texts are bounded).
    static let maxEntryBytes = 16 << 10
    /// At most this many entries are looked at per call: a flooded directory costs a bounded read.
    static let maxEntries = 1024

    /// `writeInterval`: how often a lease writes its record while requests flow (see `BridgeLease.update`).
    public init(home: SwitchboardHome, time: TimeSource = .live, writeInterval: Duration = .milliseconds(250)) {
        directory = home.bridgesDirectory
        self.time = time
        self.writeInterval = writeInterval.seconds
    }

    /// Records this process as a live bridge. The lease holds the entry's lock until `close()` (or until the
    /// lease is released, or the process ends); `record.pid` 0 becomes this process's pid.
    public func register(_ record: BridgeRecord) throws -> BridgeLease {
        try FileSystem.makeDirectory(directory.deletingLastPathComponent(), mode: 0o700)
        let dir = try Self.openDirectory(directory, create: true)!
        var record = record
        if record.pid == 0 { record.pid = getpid() }
        for _ in 0..<8 {
            let name = "\(getpid())-\(String(format: "%016llx", UInt64.random(in: 0...UInt64.max))).bridge"
            let fd = openat(dir, name, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            guard fd >= 0 else {
                if errno == EEXIST { continue }
                let code = errno
                Glibc.close(dir)
                throw FileSystemError(operation: "create", path: directory.appendingPathComponent(name).path, code: code)
            }
            while flock(fd, LOCK_EX) != 0 && errno == EINTR {}
            // A reader that found the file before it was locked took it for a dead bridge's and removed it:
            // then this descriptor holds a lock on nothing, and another name is tried.
            guard Self.isLinked(fd, name: name, in: dir), fchmod(fd, 0o600) == 0 else {
                Glibc.close(fd)
                continue
            }
            let lease = BridgeLease(fd: fd, directory: dir, name: name, path: directory.appendingPathComponent(name).path,
                                    record: record.bounded(), time: time, interval: writeInterval)
            try lease.writeFirst()
            return lease
        }
        Glibc.close(dir)
        throw FileSystemError(operation: "create an entry in", path: directory.path, code: EEXIST)
    }

    /// The live bridges (all, or those of one scheme), oldest first. Entries whose process ended (even by
    /// SIGKILL) are not returned, and their files are removed. Never throws: a missing or unsafe directory
    /// (a symbolic link, someone else's) has no live bridges.
    public func live(scheme: String? = nil) -> [BridgeRecord] {
        guard let dir = try? Self.openDirectory(directory, create: false) else { return [] }
        defer { Glibc.close(dir) }
        var out: [BridgeRecord] = []
        for name in Self.entryNames(dir) {
            guard case .live(let record) = Self.inspect(name, in: dir) else { continue }
            if scheme == nil || record.scheme == scheme { out.append(record) }
        }
        return out.sorted { ($0.startedAt, $0.pid) < ($1.startedAt, $1.pid) }
    }

    /// What one entry turned out to be.
    enum Entry: Equatable {
        case live(BridgeRecord)
        /// Its bridge is gone; the file was removed.
        case dead
        /// Not ours to judge or not readable now (unsafe, torn, too large).
        case skipped
    }

    static func inspect(_ name: String, in dir: Int32) -> Entry {
        let fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return .skipped }
        defer { Glibc.close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, FileSystem.unsafeReason(st) == nil else { return .skipped }
        // A shared lock is free only when no bridge holds the entry: its process has ended. (Several readers
        // may all find that at once; each tries the removal.)
        if flock(fd, LOCK_SH | LOCK_NB) == 0 {
            if isLinked(fd, name: name, in: dir) { unlinkat(dir, name, 0) }
            return .dead
        }
        guard errno == EWOULDBLOCK else { return .skipped }
        // Live. Its bridge may be rewriting it this instant: one more read before it counts as torn.
        for _ in 0..<2 {
            if let record = read(fd) { return .live(record) }
        }
        return .skipped
    }

    /// The record in an entry, or nil when it is too large or does not parse as one.
    static func read(_ fd: Int32) -> BridgeRecord? {
        var buffer = [UInt8](repeating: 0, count: maxEntryBytes + 1)
        var count = 0
        while count < buffer.count {
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + count, $0.count - count, off_t(count)) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            count += n
        }
        guard count > 0, count <= maxEntryBytes else { return nil }
        guard let record = try? JSONCoding.decoder().decode(BridgeRecord.self, from: Data(buffer[0..<count])),
              record.pid > 0, record.startedAt.timeIntervalSince1970.isFinite else { return nil }
        return record.bounded()
    }

    /// Whether `name` in `dir` is still the file open as `fd` (not removed, not replaced).
    static func isLinked(_ fd: Int32, name: String, in dir: Int32) -> Bool {
        var open = stat(), named = stat()
        guard fstat(fd, &open) == 0, open.st_nlink > 0, fstatat(dir, name, &named, AT_SYMLINK_NOFOLLOW) == 0 else { return false }
        return open.st_dev == named.st_dev && open.st_ino == named.st_ino
    }

    /// The names that look like entries (`<pid>-<16 hex>.bridge`), at most `maxEntries` of them.
    static func entryNames(_ dir: Int32) -> [String] {
        let copy = dup(dir)
        guard copy >= 0, let stream = fdopendir(copy) else { return [] }
        defer { closedir(stream) }
        var names: [String] = []
        while names.count < maxEntries, let entry = readdir(stream) {
            var raw = entry.pointee.d_name
            let name = withUnsafePointer(to: &raw) { $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) } }
            if isEntryName(name) { names.append(name) }
        }
        return names
    }

    static func isEntryName(_ name: String) -> Bool {
        guard name.hasSuffix(".bridge") else { return false }
        let parts = name.dropLast(".bridge".count).split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...10).contains(parts[0].count), parts[1].count == 16 else { return false }
        return parts[0].allSatisfy { $0.isASCII && $0.isNumber } && parts[1].allSatisfy { $0.isHexDigit && $0.isASCII }
    }

    /// Opens the directory: never through a symbolic link, and only this user's. With `create`, it is made
    /// (0700) when missing and tightened to 0700; without, nil when it does not exist.
    static func openDirectory(_ url: URL, create: Bool) throws -> Int32? {
        if create, mkdir(url.path, 0o700) != 0, errno != EEXIST {
            throw FileSystemError(operation: "create", path: url.path, code: errno)
        }
        let fd = open(url.path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            if code == ENOENT && !create { return nil }
            var st = stat()
            if code == ELOOP || (lstat(url.path, &st) == 0 && st.st_mode & S_IFMT == S_IFLNK) {
                throw BridgeRegistryError.unsafeDirectory(path: url.path, why: "it is a symbolic link")
            }
            if code == ENOTDIR { throw BridgeRegistryError.unsafeDirectory(path: url.path, why: "it is not a directory") }
            throw FileSystemError(operation: "open", path: url.path, code: code)
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let code = errno
            Glibc.close(fd)
            throw FileSystemError(operation: "inspect", path: url.path, code: code)
        }
        guard st.st_uid == geteuid() else {
            Glibc.close(fd)
            throw BridgeRegistryError.unsafeDirectory(path: url.path, why: "it belongs to user \(st.st_uid), not to you (\(geteuid()))")
        }
        if create, st.st_mode & 0o077 != 0, fchmod(fd, 0o700) != 0 {
            let code = errno
            Glibc.close(fd)
            throw FileSystemError(operation: "set permissions on", path: url.path, code: code)
        }
        return fd
    }
}

extension SwitchboardHome {
    /// One file per running bridge (`BridgeRegistry`).
    public var bridgesDirectory: URL { directory.appendingPathComponent("bridges") }
}
