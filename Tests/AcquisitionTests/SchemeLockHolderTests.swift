@testable import Acquisition
import Foundation
import Testing
import Glibc

/// The lock file's holder record names a process only while that very process could hold the lock.
@Suite struct SchemeLockHolderTests {
    static func file() throws -> (Int32, URL) {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("holder-\(UUID().uuidString).lock")
        let fd = open(url.path, O_RDWR | O_CREAT, 0o600)
        try #require(fd >= 0)
        return (fd, url)
    }

    @Test func aLiveHolderIsNamed() throws {
        let (fd, url) = try Self.file()
        defer { close(fd); try? FileManager.default.removeItem(at: url) }
        let now = Date()
        SchemeLock.write(SchemeLock.record(schemeID: "s1", pid: getpid(), since: now.addingTimeInterval(-12)), fd, schemeID: "s1")
        let holder = SchemeLock.holder(fd, schemeID: "s1", now: now)
        #expect(holder?.pid == getpid())
        // Another scheme's question about the same slot is not answered with this record: a scheme whose id
        // falls in s1's slot (of 4,096; found by trying ids), and one in another slot.
        let sharing = try #require((2..<1_000_000).lazy.map { "s\($0)" }.first { SchemeLock.slot($0) == SchemeLock.slot("s1") })
        #expect(SchemeLock.holder(fd, schemeID: sharing, now: now) == nil, "\(sharing) shares s1's slot and was answered with s1's record")
        let elsewhere = try #require((2..<1_000_000).lazy.map { "s\($0)" }.first { SchemeLock.slot($0) != SchemeLock.slot("s1") })
        #expect(SchemeLock.holder(fd, schemeID: elsewhere, now: now) == nil)
    }

    /// A holder that died left its record; its pid now belongs to a process that started later (or to none).
    @Test func aRecordWhosePidWasReusedNamesNoOne() throws {
        let (fd, url) = try Self.file()
        defer { close(fd); try? FileManager.default.removeItem(at: url) }
        let now = Date()
        let mine = try #require(SchemeLock.processStart(getpid()))
        SchemeLock.write(SchemeLock.record(schemeID: "s1", pid: getpid(), since: now, started: mine + 1), fd, schemeID: "s1")
        #expect(SchemeLock.holder(fd, schemeID: "s1", now: now) == nil)
        // A pid with no process at all.
        SchemeLock.write(SchemeLock.record(schemeID: "s1", pid: 4_194_000, since: now, started: 5), fd, schemeID: "s1")
        #expect(SchemeLock.holder(fd, schemeID: "s1", now: now) == nil)
    }

    /// A record older than any refresh could hold the lock, or from the future, is not believed.
    @Test func aRecordTooOldOrFromTheFutureNamesNoOne() throws {
        let (fd, url) = try Self.file()
        defer { close(fd); try? FileManager.default.removeItem(at: url) }
        let now = Date()
        for since in [now.addingTimeInterval(-(SchemeLock.believable + 1)), now.addingTimeInterval(3600)] {
            SchemeLock.write(SchemeLock.record(schemeID: "s1", pid: getpid(), since: since), fd, schemeID: "s1")
            #expect(SchemeLock.holder(fd, schemeID: "s1", now: now) == nil)
        }
    }

    /// The record of an older Switchboard (no process start) names no one; hostile bytes parse to nothing.
    @Test func oldOrForgedRecordsNameNoOne() throws {
        let (fd, url) = try Self.file()
        defer { close(fd); try? FileManager.default.removeItem(at: url) }
        let now = Date()
        let key = String(SchemeLock.byte(for: "s1"), radix: 16)
        for text in ["sb \(key) \(getpid()) \(Int64(now.timeIntervalSince1970 * 1000))",
                     "sb \(key) \(getpid()) 0 \(Int64(now.timeIntervalSince1970 * 1000))",
                     "sb \(key) -1 1 1", "sb \(key) 99999999999 1 1", "\u{1B}[2J sb \(key) 1 1 1"] {
            let padded = Data((text + String(repeating: " ", count: max(0, 63 - text.utf8.count)) + "\n").utf8.prefix(64))
            SchemeLock.write(padded, fd, schemeID: "s1")
            #expect(SchemeLock.holder(fd, schemeID: "s1", now: now) == nil, "\(text)")
        }
    }
}
