import Foundation
import SwitchboardModel
import SwitchboardText
import SwitchboardSystem
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The few POSIX operations the stores need, each with an error that names the file.
public enum FileSystem {
    public static func makeDirectory(_ url: URL, mode: mode_t) throws {
        let path = url.path
        var isDir: ObjCBool = false
        if !FileManager.default.fileExists(atPath: path, isDirectory: &isDir) {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: Int(mode)])
        }
        guard chmod(path, mode) == 0 else { throw FileSystemError(operation: "set permissions on", path: path, code: errno) }
    }

    /// Reads a whole file; nil when it does not exist.
    public static func read(_ url: URL) throws -> Data? { try read(url, from: 0) }

    /// Writes `data` so that readers see either the old file or the new one, never a torn one:
    /// a temporary file in the same directory, fsynced, renamed over the old file, then the directory fsynced.
    /// `beforeRename` receives the identity the file will have once renamed into place; if it throws, nothing
    /// is renamed and the temporary file goes.
    public static func writeAtomically(_ data: Data, to url: URL, mode: mode_t, beforeRename: ((Stamp) throws -> Void)? = nil) throws {
        let dir = url.deletingLastPathComponent().path
        let tmp = "\(dir)/.\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw FileSystemError(operation: "create", path: tmp, code: errno) }
        var ok = false
        defer {
            if !ok { unlink(tmp) }
        }
        do {
            defer { close(fd) }
            guard fchmod(fd, mode) == 0 else { throw FileSystemError(operation: "set permissions on", path: tmp, code: errno) }
            try writeAll(fd, data, path: tmp)
            guard fsync(fd) == 0 else { throw FileSystemError(operation: "fsync", path: tmp, code: errno) }
            if let beforeRename {
                var st = stat()
                guard fstat(fd, &st) == 0 else { throw FileSystemError(operation: "inspect", path: tmp, code: errno) }
                try beforeRename(Stamp(st))
            }
        }
        guard rename(tmp, url.path) == 0 else { throw FileSystemError(operation: "rename over", path: url.path, code: errno) }
        ok = true
        try syncDirectory(dir)
    }

    /// Replaces a file by rename, without fsync: for caches a crash may lose (never for data).
    /// (FileManager.createFile fsyncs; this does not: the index and status files are rewritten on every store
    /// write, and two fsyncs were most of a connect's last milliseconds.)
    public static func writeReplacing(_ data: Data, to url: URL, mode: mode_t) throws {
        let tmp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode)
        guard fd >= 0 else { throw FileSystemError(operation: "create", path: tmp, code: errno) }
        do {
            defer { close(fd) }
            guard fchmod(fd, mode) == 0 else { throw FileSystemError(operation: "set permissions on", path: tmp, code: errno) }
            try writeAll(fd, data, path: tmp)
        } catch {
            unlink(tmp)
            throw error
        }
        guard rename(tmp, url.path) == 0 else {
            unlink(tmp)
            throw FileSystemError(operation: "rename over", path: url.path, code: errno)
        }
    }

    /// Reads a file from `offset` to its end; nil when it does not exist.
    public static func read(_ url: URL, from offset: Int) throws -> Data? {
        let fd = open(url.path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw FileSystemError(operation: "open", path: url.path, code: errno)
        }
        defer { close(fd) }
        return try readAll(fd, url: url, from: offset)
    }

    /// Why `readRegular` refused a file.
    public enum RegularFileError: Error, Equatable {
        case missing, notRegular, tooLarge(limit: Int), unreadable(Int32)
    }

    /// Reads another program's file: only a regular file (a link to one is fine; a device such as
    /// /dev/zero, a FIFO or a directory is not), and only up to `limit` bytes.
    public static func readRegular(_ path: String, limit: Int) throws(RegularFileError) -> Data {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw errno == ENOENT ? .missing : .unreadable(errno) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw .unreadable(errno) }
        guard st.st_mode & S_IFMT == S_IFREG else { throw .notRegular }
        guard Int(st.st_size) <= limit else { throw .tooLarge(limit: limit) }
        // The file may grow while it is read: the limit holds for what is read, not only for its size.
        let data: Data?
        do { data = try readAll(fd, url: URL(fileURLWithPath: path), from: 0, limit: limit) } catch { throw .unreadable(error.code) }
        guard let data else { throw .tooLarge(limit: limit) }
        return data
    }

    /// Reads a file that holds secrets: never through a symlink, and only when it is a regular file owned
    /// by this user that no one else can read or write. nil when it does not exist.
    public static func readPrivate(_ url: URL, from offset: Int = 0) throws -> Data? {
        guard let fd = try openPrivate(url, flags: O_RDONLY) else { return nil }
        defer { close(fd) }
        return try readAll(fd, url: url, from: offset)
    }

    /// Opens a private file (see `readPrivate`); nil when it does not exist and `O_CREAT` is not in `flags`.
    public static func openPrivate(_ url: URL, flags: Int32, mode: mode_t = 0o600) throws -> Int32? {
        let fd = open(url.path, flags | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, mode)
        if fd < 0 {
            let code = errno
            if code == ENOENT && flags & O_CREAT == 0 { return nil }
            if code == ELOOP { throw SecretStoreError.unsafeFile(path: url.path, why: "it is a symbolic link; Switchboard's private files are never followed through links") }
            throw FileSystemError(operation: "open", path: url.path, code: code)
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let code = errno
            close(fd)
            throw FileSystemError(operation: "inspect", path: url.path, code: code)
        }
        if let why = unsafeReason(st) {
            close(fd)
            throw SecretStoreError.unsafeFile(path: url.path, why: why)
        }
        // Blocking I/O from here on (O_NONBLOCK only kept a FIFO from hanging the open).
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        return fd
    }

    /// Why a private file must not be used, or nil.
    static func unsafeReason(_ st: stat) -> String? {
        if st.st_mode & S_IFMT != S_IFREG { return "it is not a regular file" }
        if st.st_uid != geteuid() { return "it belongs to user \(st.st_uid), not to you (\(geteuid()))" }
        let mode = st.st_mode & 0o7777
        if mode & 0o077 != 0 { return "other users can access it (mode \(String(mode, radix: 8))); run `chmod 600` on it" }
        return nil
    }

    /// Creates `url` with `data` only if it does not exist yet (throws EEXIST otherwise): the contents are
    /// written and fsynced to a temporary file first, then hard-linked into place, so no reader ever
    /// sees a partly written file and two racing creators end with exactly one.
    public static func createExclusively(_ data: Data, at url: URL, mode: mode_t) throws {
        let dir = url.deletingLastPathComponent().path
        let tmp = "\(dir)/.\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        guard fd >= 0 else { throw FileSystemError(operation: "create", path: tmp, code: errno) }
        defer { unlink(tmp) }
        do {
            defer { close(fd) }
            guard fchmod(fd, mode) == 0 else { throw FileSystemError(operation: "set permissions on", path: tmp, code: errno) }
            try writeAll(fd, data, path: tmp)
            guard fsync(fd) == 0 else { throw FileSystemError(operation: "fsync", path: tmp, code: errno) }
        }
        guard link(tmp, url.path) == 0 else { throw FileSystemError(operation: "create", path: url.path, code: errno) }
        try syncDirectory(dir)
    }

    private static func writeAll(_ fd: Int32, _ data: Data, path: String) throws {
        try data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw FileSystemError(operation: "write", path: path, code: errno)
                }
                offset += n
            }
        }
    }

    /// Reads `fd` from `offset` to its end; nil as soon as more than `limit` bytes were read.
    private static func readAll(_ fd: Int32, url: URL, from offset: Int, limit: Int = .max) throws(FileSystemError) -> Data? {
        var data = Data()
        var st = stat()
        if fstat(fd, &st) == 0, Int(st.st_size) > offset { data.reserveCapacity(Int(st.st_size) - offset) }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var position = off_t(offset)
        while true {
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, position) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileSystemError(operation: "read", path: url.path, code: errno)
            }
            if n == 0 { break }
            data.append(contentsOf: buffer[0..<n])
            guard data.count <= limit else { return nil }
            position += off_t(n)
        }
        return data
    }

    /// Writes `data` at `offset` (cutting off whatever follows it, e.g. a torn write) and fdatasyncs.
    /// Returns the new end of the file. The file must exist.
    @discardableResult
    public static func append(_ data: Data, to url: URL, truncatingTo offset: Int) throws -> Int {
        guard let fd = try openPrivate(url, flags: O_WRONLY) else { throw FileSystemError(operation: "open", path: url.path, code: ENOENT) }
        defer { close(fd) }
        var st = stat()
        if fstat(fd, &st) == 0, Int(st.st_size) != offset {
            guard ftruncate(fd, off_t(offset)) == 0 else { throw FileSystemError(operation: "truncate", path: url.path, code: errno) }
        }
        try data.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = pwrite(fd, raw.baseAddress! + done, raw.count - done, off_t(offset + done))
                if n < 0 {
                    if errno == EINTR { continue }
                    throw FileSystemError(operation: "write", path: url.path, code: errno)
                }
                done += n
            }
        }
        guard fdatasync(fd) == 0 else { throw FileSystemError(operation: "fdatasync", path: url.path, code: errno) }
        return offset + data.count
    }

    public static func syncDirectory(_ path: String) throws {
        let dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard dfd >= 0 else { throw FileSystemError(operation: "open directory", path: path, code: errno) }
        defer { close(dfd) }
        guard fsync(dfd) == 0 else { throw FileSystemError(operation: "fsync directory", path: path, code: errno) }
    }

    /// Renames a file aside (mode 0600: what is set aside may hold secrets); returns the new URL.
    public static func moveAside(_ url: URL, suffix: String) throws -> URL {
        let target = URL(fileURLWithPath: url.path + suffix)
        guard rename(url.path, target.path) == 0 else { throw FileSystemError(operation: "rename", path: url.path, code: errno) }
        // Never through a link: the rename moved the link itself, and its target is not ours to change.
        let fd = open(target.path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        if fd >= 0 {
            _ = fchmod(fd, 0o600)
            close(fd)
        }
        return target
    }

    /// The permission bits of a file, or nil when it does not exist.
    public static func mode(of url: URL) -> mode_t? {
        var st = stat()
        guard stat(url.path, &st) == 0 else { return nil }
        return st.st_mode & 0o7777
    }

    /// Identity of a file's current contents, used to skip re-reading an unchanged file.
    public struct Stamp: Equatable, Sendable {
        var device: UInt64, inode: UInt64, size: Int64, mtimeSec: Int, mtimeNsec: Int

        init(device: UInt64, inode: UInt64, size: Int64, mtimeSec: Int, mtimeNsec: Int) {
            (self.device, self.inode, self.size, self.mtimeSec, self.mtimeNsec) = (device, inode, size, mtimeSec, mtimeNsec)
        }

        init(_ st: stat) {
            self.init(device: UInt64(st.st_dev), inode: UInt64(st.st_ino), size: Int64(st.st_size),
                      mtimeSec: Int(st.st_mtim.tv_sec), mtimeNsec: Int(st.st_mtim.tv_nsec))
        }

        /// The same file (not the same contents): a file renamed over this one is another.
        public func sameFile(as other: Stamp?) -> Bool { other.map { $0.device == device && $0.inode == inode } ?? false }
    }

    public static func stamp(of url: URL) -> Stamp? {
        var st = stat()
        guard stat(url.path, &st) == 0 else { return nil }
        return Stamp(st)
    }
}
