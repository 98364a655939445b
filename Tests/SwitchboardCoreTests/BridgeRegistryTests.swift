import Foundation
import SwitchboardCore
import SwitchboardTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The bridge registry on real files: leases, other processes (one killed with SIGKILL), torn and hostile
/// entries, permissions and a planted link.
@Suite struct BridgeRegistryTests {
    static let start = Date(timeIntervalSince1970: 1_795_000_000)

    static func record(_ scheme: String = "s-linear", client: String? = "Claude Desktop", at offset: TimeInterval = 0) -> BridgeRecord {
        BridgeRecord(scheme: scheme, connection: "linear", clientName: client, clientVersion: "0.9.2", startedAt: start.addingTimeInterval(offset))
    }

    static func entries(_ home: SwitchboardHome) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: home.bridgesDirectory.path)) ?? []).sorted()
    }

    /// A fake bridge in its own process (`switchboard-testbin fake-bridge`), once its entry is on disk.
    static func fakeBridge(_ home: SwitchboardHome, scheme: String, extra: [String] = []) async throws -> (KillableChild, String) {
        let child = try KillableChild(["fake-bridge", "--home", home.directory.path, "--scheme", scheme, "--connection", "linear",
                                       "--client-name", "Cursor", "--client-version", "1.7.3"] + extra, binary: BinaryRunner.testBinary)
        let ready = await blocking { child.waitForOutput(timeout: 30) { $0.contains("registered ") && $0.hasSuffix("\n") } }
        try #require(ready, "the fake bridge did not register: \(child.stdout)")
        let path = child.stdout.components(separatedBy: "registered ").last!.trimmingCharacters(in: .whitespacesAndNewlines)
        return (child, path)
    }

    /// Runs a blocking wait on a thread of its own, off the cooperative pool.
    static func blocking<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { c in Thread { c.resume(returning: body()) }.start() }
    }

    static func locked(_ path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return flock(fd, LOCK_EX | LOCK_NB) != 0
    }

    @Test func registerUpdateClose() throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let home = SwitchboardHome(directory: tmp.url)
        let registry = BridgeRegistry(home: home)
        #expect(registry.live().isEmpty, "no directory yet: no bridges")
        let lease = try registry.register(Self.record())
        let live = registry.live()
        #expect(live.count == 1)
        #expect(live.first?.pid == getpid(), "pid 0 becomes this process")
        #expect(live.first?.clientLabel == "Claude Desktop 0.9.2")
        #expect(live.first?.startedAt == Self.start)
        lease.update { $0.requests += 5 }
        try lease.flush()
        #expect(registry.live().first?.requests == 5)
        #expect(registry.live(scheme: "s-linear").count == 1)
        #expect(registry.live(scheme: "s-other").isEmpty)
        let path = lease.path
        #expect(Self.locked(path), "the lease holds the entry's lock")
        lease.close()
        #expect(registry.live().isEmpty)
        #expect(!FileManager.default.fileExists(atPath: path))
        lease.update { $0.requests += 1 }    // after close: nothing, and no file comes back
        #expect(Self.entries(home).isEmpty)
    }

    /// A thousand updates in one instant write nothing; the next one after the interval writes them all;
    /// one left over is written by the waiting task when the clock passes the interval; an error goes out at once.
    @Test func updatesAreWrittenAtMostOncePerInterval() async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let time = TestTime(start: Self.start)
        let registry = BridgeRegistry(home: SwitchboardHome(directory: tmp.url), time: time.source)
        let lease = try registry.register(Self.record())
        for _ in 0..<1000 { lease.update { $0.requests += 1 } }
        #expect(registry.live().first?.requests == 0, "throttled: nothing written within the interval")
        #expect(lease.record.requests == 1000)
        await time.advance(by: .milliseconds(250))
        var seen = 0
        for _ in 0..<100_000 where seen != 1000 {
            seen = registry.live().first?.requests ?? -1
            await Task.yield()
        }
        #expect(seen == 1000, "the waiting write ran once the clock passed the interval")
        await time.advance(by: .milliseconds(250))
        lease.update { $0.requests += 1 }
        #expect(registry.live().first?.requests == 1001, "a change after the interval is written at once")
        lease.update { $0.lastError = "HTTP 502 from the server"; $0.lastErrorAt = Self.start }
        #expect(registry.live().first?.lastError == "HTTP 502 from the server", "an error is written at once")
        lease.update { $0.lastError = "HTTP 503 from the server" }
        #expect(registry.live().first?.lastError == "HTTP 502 from the server", "a second error within the interval waits")
        lease.close()
    }

    /// This process and another one; the other is killed with SIGKILL: its entry disappears from `live()`,
    /// its file is removed, and no lock is left held.
    @Test func anotherProcessKilledWithSIGKILLDisappears() async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let home = SwitchboardHome(directory: tmp.url)
        let registry = BridgeRegistry(home: home)
        let mine = try registry.register(Self.record(at: 0))
        let (child, path) = try await Self.fakeBridge(home, scheme: "s-linear", extra: ["--requests", "3", "--started-at", "\(Self.start.timeIntervalSince1970 + 60)"])
        var reaped = false
        defer { if !reaped { child.kill(); _ = child.wait() } }
        let both = registry.live()
        #expect(both.map(\.pid) == [getpid(), child.pid])
        #expect(both.last?.clientLabel == "Cursor 1.7.3")
        #expect(both.last?.requests == 3)
        #expect(Self.locked(path), "the child holds its entry's lock")
        #expect(FileSystem.mode(of: URL(fileURLWithPath: path)) == 0o600)

        child.kill(SIGKILL)
        _ = await Self.blocking { child.wait() }
        reaped = true
        #expect(FileManager.default.fileExists(atPath: path), "nothing on disk changed at the kill")
        #expect(!Self.locked(path), "the kernel let go of the dead bridge's lock")
        #expect(registry.live().map(\.pid) == [getpid()])
        #expect(!FileManager.default.fileExists(atPath: path), "the dead bridge's entry was removed")
        #expect(Self.entries(home).count == 1)
        mine.close()
        #expect(Self.entries(home).isEmpty)
    }

    /// A live bridge's entry that does not parse (torn mid-write, damaged, too large) is skipped and kept;
    /// a dead one is removed whatever it holds; files that are not entries are left alone.
    @Test func tornAndDamagedEntries() throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let home = SwitchboardHome(directory: tmp.url)
        let registry = BridgeRegistry(home: home)
        let good = try registry.register(Self.record(at: 0))
        let torn = try registry.register(Self.record(at: 1))
        let large = try registry.register(Self.record(at: 2))
        func overwrite(_ path: String, _ bytes: Data) throws {
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            try handle.truncate(atOffset: 0)
            try handle.write(contentsOf: bytes)
            try handle.close()
        }
        try overwrite(torn.path, Data(#"{"pid":123,"scheme":"s-lin"#.utf8))
        try overwrite(large.path, Data(#"{"pid":1,"scheme":""#.utf8) + Data(repeating: 0x41, count: 100_000) + Data(#"","connection":"x","startedAt":"2026-11-18T06:13:20Z","requests":0}"#.utf8))
        let dead = home.bridgesDirectory.appendingPathComponent("4242-0123456789abcdef.bridge")
        try Data("\u{1B}[2J not json".utf8).write(to: dead)
        chmod(dead.path, 0o600)
        let foreign = home.bridgesDirectory.appendingPathComponent("notes.txt")
        try Data("left alone".utf8).write(to: foreign)

        let live = registry.live()
        #expect(live.map(\.startedAt) == [Self.start], "only the entry that parses")
        #expect(FileManager.default.fileExists(atPath: torn.path) && FileManager.default.fileExists(atPath: large.path), "live entries are kept")
        #expect(!FileManager.default.fileExists(atPath: dead.path), "a dead entry is removed")
        #expect(FileManager.default.fileExists(atPath: foreign.path))
        // The torn bridge's next write makes it whole again.
        try torn.flush()
        torn.update { $0.requests = 7 }
        try torn.flush()
        #expect(registry.live().map(\.requests) == [0, 7])
        for lease in [good, torn, large] { lease.close() }
    }

    /// The files are other processes' words: escape sequences, bidi overrides and long texts come back
    /// bounded and visible, never as controls.
    @Test func hostileTextsAreBoundedAndMadeSafe() throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let registry = BridgeRegistry(home: SwitchboardHome(directory: tmp.url))
        let lease = try registry.register(Self.record(client: "Evil\u{1B}]52;c;Y2xpcA==\u{07}\u{202E}txt"))
        lease.update { $0.lastError = String(repeating: "x", count: 5000) }
        // Written by hand, as a hostile writer would, past what the lease itself writes.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: lease.path))
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: Data(#"{"pid":99,"scheme":"s-linear","connection":"lin\u001b[2Jear","clientName":"\u009b31m","clientVersion":"   ","startedAt":"2026-11-18T06:13:20Z","requests":-5}"#.utf8))
        try handle.close()
        let r = try #require(registry.live().first)
        #expect(r.connection == "lin^[[2Jear")
        #expect(r.clientName == "<U+009B>31m")
        #expect(r.clientVersion == nil, "blank is none")
        #expect(r.requests == 0)
        #expect(lease.record.lastError.map { $0.count } == 5000, "in memory, as set")
        lease.update { $0.requests += 1 }
        try lease.flush()
        let written = try #require(registry.live().first)
        #expect(written.clientName?.contains("\u{1B}") == false && written.clientName?.contains("\u{202E}") == false)
        #expect(written.clientName?.hasPrefix("Evil^[]52;c;") == true)
        #expect(written.lastError.map { $0.count } == BridgeRecord.Limit.lastError + 1, "bounded, with an ellipsis")
        lease.close()
    }

    @Test func permissions() throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let home = SwitchboardHome(directory: tmp.url)
        // A directory someone loosened is tightened when a bridge registers.
        try FileManager.default.createDirectory(at: home.bridgesDirectory, withIntermediateDirectories: true)
        chmod(home.bridgesDirectory.path, 0o755)
        let registry = BridgeRegistry(home: home)
        let lease = try registry.register(Self.record())
        #expect(FileSystem.mode(of: home.bridgesDirectory) == 0o700)
        #expect(FileSystem.mode(of: URL(fileURLWithPath: lease.path)) == 0o600)
        // An entry others can read is not trusted: not shown, not removed.
        let loose = home.bridgesDirectory.appendingPathComponent("77-00000000000000ff.bridge")
        let encoder = JSONCoding.encoder(pretty: false)
        try encoder.encode(BridgeRecord(pid: 77, scheme: "s-linear", connection: "linear", startedAt: Self.start)).write(to: loose)
        chmod(loose.path, 0o644)
        #expect(registry.live().map(\.pid) == [getpid()])
        #expect(FileManager.default.fileExists(atPath: loose.path))
        lease.close()
    }

    /// `bridges` planted as a link to another directory: registering refuses, and reading finds no bridges and
    /// removes nothing there.
    @Test func aSymlinkedBridgesDirectoryIsRefused() throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let home = SwitchboardHome(directory: tmp.path("home"))
        try FileManager.default.createDirectory(at: home.directory, withIntermediateDirectories: true)
        let elsewhere = tmp.path("elsewhere")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        let planted = elsewhere.appendingPathComponent("1-0000000000000001.bridge")
        try Data("{}".utf8).write(to: planted)
        chmod(planted.path, 0o600)
        try FileManager.default.createSymbolicLink(at: home.bridgesDirectory, withDestinationURL: elsewhere)
        let registry = BridgeRegistry(home: home)
        #expect(throws: BridgeRegistryError.unsafeDirectory(path: home.bridgesDirectory.path, why: "it is a symbolic link")) {
            _ = try registry.register(Self.record())
        }
        #expect(registry.live().isEmpty)
        #expect(FileManager.default.fileExists(atPath: planted.path), "nothing behind the link was touched")
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere.path) == ["1-0000000000000001.bridge"])
    }
}
