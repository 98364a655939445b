import Foundation
import SwitchboardModel
import SwitchboardText
import SwitchboardSystem
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The activity journal: `activity.jsonl` in the home, one JSON object per line, appended by every
/// Switchboard process (the screen, `token` run by another program, `refresh`, …).
///
/// - Appends are batched (group commit on a queue of its own, one write(2) per batch), so a refresh never
///   waits for the journal; `flush()` waits for what was recorded so far (a command calls it before exiting).
/// - Several processes append at once: each batch is one `O_APPEND` write under a shared `flock`, so lines
///   never interleave; compaction takes the lock exclusively.
/// - Crash-safe: a line cut short by a crash is skipped on reading; compaction writes a new file and renames
///   it over the old one, so a reader sees the old journal or the new one, never half of one.
/// - Bounded: once the file passes `maxBytes`, it is rewritten with each connection's newest
///   `perScheme` events, and at most half of `maxBytes` in all (oldest dropped first).
public final class ActivityJournal: Sendable {
    public let file: URL
    let lock: FileLock
    public let perScheme: Int
    public let maxBytes: Int
    /// nil is `flush()`'s marker: it waits for its place in the queue and writes nothing.
    private let group: CommitGroup<ActivityEvent?>
    private let counter = Mutex(0)
    private let role: String
    private let pid = getpid()

    public static let defaultPerScheme = 200
    public static let defaultMaxBytes = 8 << 20

    /// `role`: who this process is in the journal (`screen`, `token`, …).
    public init(home: SwitchboardHome, role: String, perScheme: Int = ActivityJournal.defaultPerScheme, maxBytes: Int = ActivityJournal.defaultMaxBytes) {
        file = home.directory.appendingPathComponent("activity.jsonl")
        lock = FileLock(url: home.directory.appendingPathComponent(".activity.lock"))
        self.perScheme = perScheme
        self.maxBytes = maxBytes
        self.role = role
        group = CommitGroup(label: "switchboard.activity")
        let (file, lock, maxBytes, perScheme) = (file, lock, maxBytes, perScheme)
        let directory = home.directory
        group.setCommit { batch in
            let events = batch.compactMap { $0 }
            guard !events.isEmpty else { return }
            try FileSystem.makeDirectory(directory, mode: 0o700)
            var lines = Data()
            let encoder = JSONEncoder()
            encoder.dateEncodingStrategy = .iso8601
            for e in events { lines.append(try encoder.encode(e)); lines.append(0x0A) }
            let size = try lock.withLock(shared: true) { () throws -> Int in
                guard let fd = try FileSystem.openPrivate(file, flags: O_WRONLY | O_APPEND | O_CREAT) else { return 0 }
                defer { close(fd) }
                try lines.withUnsafeBytes { raw in
                    var offset = 0
                    while offset < raw.count {
                        let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                        if n < 0 {
                            if errno == EINTR { continue }
                            throw FileSystemError(operation: "append to", path: file.path, code: errno)
                        }
                        offset += n
                    }
                }
                var st = stat()
                return fstat(fd, &st) == 0 ? Int(st.st_size) : 0
            }
            if size > maxBytes { try Self.compact(file: file, lock: lock, perScheme: perScheme, maxBytes: maxBytes) }
        }
        Self.opened.withLock { $0.append(self) }
    }

    /// Every journal this process opened, so the command line can write them all out before it exits.
    private static let opened = Mutex<[ActivityJournal]>([])

    /// Waits until every journal of this process has written what was recorded (call before exiting).
    public static func flushAll() async {
        for journal in opened.withLock({ $0 }) { await journal.flush() }
    }

    /// Records an event as this process (its role and pid), stamped with a unique id. Returns at once.
    public func record(_ event: ActivityEvent) {
        var e = event
        let n = counter.withLock { c -> Int in c += 1; return c }
        e.id = "\(pid).\(n).\(Int(e.at.timeIntervalSince1970 * 1000) % 1_000_000)"
        if e.by.isEmpty { e.by = role }
        e.pid = pid
        group.enqueue(e)
    }

    /// Waits until everything recorded so far is in the file.
    public func flush() async {
        try? await group.submit(nil)
    }

    /// Every event in the file, oldest first (optionally one scheme's, or since a date). A torn or foreign
    /// line is skipped.
    public func events(scheme: String? = nil, since: Date? = nil) throws -> [ActivityEvent] {
        guard let data = try FileSystem.readPrivate(file) else { return [] }
        return Self.parse(data).filter { e in (scheme.map { e.scheme == $0 } ?? true) && (since.map { e.at >= $0 } ?? true) }
    }

    package static func parse(_ data: Data) -> [ActivityEvent] {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        var out: [ActivityEvent] = []
        for line in data.split(separator: 0x0A) where !line.isEmpty {
            guard let e = event(line, decoder) else { continue }
            out.append(e)
        }
        return out
    }

    /// One line's event; nil for a torn or foreign line, and for one with numbers no Switchboard writes
    /// (a negative count or pid), which is foreign too.
    static func event(_ line: Data.SubSequence, _ decoder: JSONDecoder) -> ActivityEvent? {
        guard let e = try? decoder.decode(ActivityEvent.self, from: Data(line)), e.pid >= 0,
              [e.milliseconds, e.tools, e.requests].allSatisfy({ ($0 ?? 0) >= 0 }) else { return nil }
        return e
    }

    /// Rewrites the journal with each scheme's newest `perScheme` events, at most `maxBytes / 2` in all.
    static func compact(file: URL, lock: FileLock, perScheme: Int, maxBytes: Int) throws {
        try lock.withLock {
            guard let data = try FileSystem.readPrivate(file), data.count > maxBytes else { return }
            let lines = data.split(separator: 0x0A).filter { !$0.isEmpty }
            // Newest first, keeping each scheme's newest `perScheme`, then the newest lines up to the budget.
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            var kept: [Data.SubSequence] = []
            var perSchemeCount: [String: Int] = [:]
            var bytes = 0
            for line in lines.reversed() {
                guard let e = event(line, decoder) else { continue }
                let n = perSchemeCount[e.scheme, default: 0]
                guard n < perScheme else { continue }
                guard bytes + line.count + 1 <= maxBytes / 2 else { break }
                perSchemeCount[e.scheme] = n + 1
                bytes += line.count + 1
                kept.append(line)
            }
            var out = Data(capacity: bytes)
            for line in kept.reversed() { out.append(contentsOf: line); out.append(0x0A) }
            try FileSystem.writeAtomically(out, to: file, mode: 0o600)
        }
    }
}
