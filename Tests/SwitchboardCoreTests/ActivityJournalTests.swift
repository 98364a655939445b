import Foundation
import SwitchboardCore
import SwitchboardTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite struct ActivityJournalTests {
    static func event(_ scheme: String, _ i: Int, kind: ActivityEvent.Kind = .refreshed) -> ActivityEvent {
        ActivityEvent(kind, at: Date(timeIntervalSince1970: 1_795_000_000 + Double(i)), scheme: scheme, connection: "c-\(scheme)") { $0.milliseconds = i }
    }

    @Test func recordsFromSeveralWritersAndReadsBackInOrder() async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let home = SwitchboardHome(directory: tmp.url)
        // Two journals stand for two processes appending to one file at once.
        let a = ActivityJournal(home: home, role: "screen"), b = ActivityJournal(home: home, role: "token")
        await withTaskGroup(of: Void.self) { group in
            for i in 0..<200 { group.addTask { (i % 2 == 0 ? a : b).record(Self.event("s\(i % 3)", i)) } }
        }
        await a.flush()
        await b.flush()
        let all = try a.events()
        #expect(all.count == 200)
        #expect(Set(all.map(\.id)).count == 200, "every event has its own id")
        #expect(Set(all.map(\.by)) == ["screen", "token"])
        #expect(all.allSatisfy { $0.pid == getpid() })
        #expect(try a.events(scheme: "s1").count == 67)
        #expect(FileSystem.mode(of: a.file) == 0o600)
    }

    @Test func aTornLastLineIsSkipped() async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let journal = ActivityJournal(home: SwitchboardHome(directory: tmp.url), role: "t")
        journal.record(Self.event("s", 1))
        await journal.flush()
        // A crash in the middle of a line: the next reader skips it, the next writer goes on after it.
        let handle = try FileHandle(forWritingTo: journal.file)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(#"{"id":"torn","at":"2026-"#.utf8))
        try handle.close()
        #expect(try journal.events().count == 1)
        journal.record(Self.event("s", 2))
        await journal.flush()
        // The torn piece and the next line share a line: that one line is lost, nothing else.
        let kept = try journal.events().compactMap(\.milliseconds)
        #expect(kept == [1] || kept == [1, 2])
        journal.record(Self.event("s", 3))
        await journal.flush()
        #expect(try journal.events().last?.milliseconds == 3)
    }

    @Test func staysBoundedKeepingEachConnectionsNewest() async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let journal = ActivityJournal(home: SwitchboardHome(directory: tmp.url), role: "t", perScheme: 20, maxBytes: 16_384)
        for i in 0..<600 { journal.record(Self.event(i % 10 == 0 ? "rare" : "busy", i)) }
        await journal.flush()
        let size = try #require(FileManager.default.attributesOfItem(atPath: journal.file.path)[.size] as? Int)
        #expect(size <= 16_384 + 4096, "the journal was compacted (\(size) bytes)")
        let busy = try journal.events(scheme: "busy"), rare = try journal.events(scheme: "rare")
        // A compaction leaves each connection at most `perScheme` (20) in half of `maxBytes`; what arrives after it
        // fills the other half until the next. How many that is depends on where the last compaction fell, which
        // depends on how the writer batched the 600 events (a loaded machine batches more): bound it by the file.
        #expect(busy.count < 100 && rare.count <= 20 + 10)
        #expect(busy.last?.milliseconds == 599, "the newest are kept")
        #expect(rare.last?.milliseconds == 590)
        #expect(rare.count >= 6, "a quiet connection keeps its history when a busy one fills the journal")
        #expect(FileSystem.mode(of: journal.file) == 0o600)
    }

    @Test func aFollowerSeesNewEventsAcrossACompaction() async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let journal = ActivityJournal(home: SwitchboardHome(directory: tmp.url), role: "t", perScheme: 50, maxBytes: 8192)
        var follower = ActivityFollower(journal: journal)
        #expect(try follower.next().isEmpty)
        var seen: [Int] = []
        for round in 0..<10 {
            for i in 0..<20 { journal.record(Self.event("s", round * 20 + i)) }
            await journal.flush()
            seen += try follower.next().compactMap(\.milliseconds)
        }
        #expect(seen == Array(0..<200), "every event once, in order, though the file was rewritten")
    }
}
