import Foundation
import SwitchboardModel
import SwitchboardText
import SwitchboardSystem
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A bridge's entry in the registry, held for the life of the bridge: the lock on the entry's descriptor is
/// what tells readers the bridge is alive, so the record is rewritten on that descriptor (pwrite, then
/// ftruncate), never replaced by a rename that would leave the lock behind on an unlinked file.
///
/// `update` is called on every request (up to ~1000 a second): it changes the record in memory and writes it
/// at most once per `interval` (a write due later is made by a task that waits for it). A new error is written
/// at once, at most once per interval too. Releasing the lease closes it.
public final class BridgeLease: Sendable {
    private struct State {
        var record: BridgeRecord
        /// Written since the last change.
        var clean = true
        var lastWrite: Date
        var lastErrorWrite: Date?
        /// A task waits to write what changed since `lastWrite`.
        var pending = false
        var closed = false
        /// The file's length: a shorter record is padded with spaces to it (JSON allows trailing space),
        /// so a reader never sees the end of an older, longer record.
        var length = 0
    }

    private let state: Mutex<State>
    private let fd: Int32
    private let directory: Int32
    private let name: String
    /// The entry's path, for error messages and tests.
    public let path: String
    private let time: TimeSource
    private let interval: TimeInterval

    init(fd: Int32, directory: Int32, name: String, path: String, record: BridgeRecord, time: TimeSource, interval: TimeInterval) {
        self.fd = fd
        self.directory = directory
        self.name = name
        self.path = path
        self.time = time
        self.interval = interval
        state = Mutex(State(record: record, lastWrite: time.now()))
    }

    deinit { close() }

    /// The record as this bridge last set it.
    public var record: BridgeRecord { state.withLock { $0.record } }

    /// Changes the record. Cheap: the file is written at most once per interval, and when an error arrives.
    public func update(_ change: (inout BridgeRecord) -> Void) {
        let wait: TimeInterval? = state.withLock { s in
            guard !s.closed else { return nil }
            let (error, errorAt) = (s.record.lastError, s.record.lastErrorAt)
            change(&s.record)
            s.clean = false
            let now = self.time.now()
            let since = now.timeIntervalSince(s.lastWrite)
            let newError = s.record.lastError != error || s.record.lastErrorAt != errorAt
            if newError, s.lastErrorWrite.map({ now.timeIntervalSince($0) >= interval || now < $0 }) ?? true {
                s.lastErrorWrite = now
                try? write(&s, now: now)
                return nil
            }
            // A clock set back counts as due.
            if since >= interval || since < 0 {
                try? write(&s, now: now)
                return nil
            }
            guard !s.pending else { return nil }
            s.pending = true
            return interval - since
        }
        guard let wait else { return }
        let clock = time
        Task { [weak self] in
            try? await clock.sleep(for: .seconds(wait))
            self?.writePending()
        }
    }

    /// Writes the record now if it changed since the last write (a bridge calls it before it exits, say).
    public func flush() throws {
        try state.withLock { s in
            guard !s.closed, !s.clean else { return }
            try write(&s, now: time.now())
        }
    }

    /// Removes the entry and lets go of its lock. Later updates do nothing.
    public func close() {
        state.withLock { s in
            guard !s.closed else { return }
            s.closed = true
            // Removed while still locked, so no reader takes it for a dead bridge's in between.
            if BridgeRegistry.isLinked(fd, name: name, in: directory) { unlinkat(directory, name, 0) }
            Glibc.close(fd)
            Glibc.close(directory)
        }
    }

    /// The first write, at registration: a failure there is the caller's to hear.
    func writeFirst() throws {
        do {
            try state.withLock { s in try write(&s, now: time.now()) }
        } catch {
            close()
            throw error
        }
    }

    private func writePending() {
        state.withLock { s in
            s.pending = false
            guard !s.closed, !s.clean else { return }
            try? write(&s, now: time.now())
        }
    }

    /// Rewrites the entry in place on the locked descriptor.
    private func write(_ s: inout State, now: Date) throws {
        var data = try JSONCoding.encoder(pretty: false).encode(s.record.bounded())
        data.append(0x0A)
        if data.count < s.length { data.append(contentsOf: repeatElement(0x20, count: s.length - data.count)) }
        try data.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = pwrite(fd, raw.baseAddress! + done, raw.count - done, off_t(done))
                if n < 0 {
                    if errno == EINTR { continue }
                    throw FileSystemError(operation: "write", path: path, code: errno)
                }
                done += n
            }
        }
        // Anything past the record (written by someone else) goes.
        guard ftruncate(fd, off_t(data.count)) == 0 else { throw FileSystemError(operation: "truncate", path: path, code: errno) }
        s.length = data.count
        s.lastWrite = now
        s.clean = true
    }
}
