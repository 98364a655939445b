import Foundation
import SwitchboardModel
import SwitchboardText
import SwitchboardSystem
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Follows the journal as it grows, across compactions (`switchboard log --follow`, the screen's timeline).
public struct ActivityFollower: Sendable {
    let journal: ActivityJournal
    private var offset = 0
    private var stamp: FileSystem.Stamp?
    private var seen: Set<String> = []
    private var newest = Date.distantPast

    public init(journal: ActivityJournal) { self.journal = journal }

    /// Events added since the last call (all of them on the first call), oldest first.
    public mutating func next() throws -> [ActivityEvent] {
        let now = FileSystem.stamp(of: journal.file)
        guard now != stamp else { return [] }
        let replaced = stamp.map { !$0.sameFile(as: now) } ?? false
        stamp = now
        if replaced { offset = 0 }
        guard let data = try FileSystem.readPrivate(journal.file, from: offset) else { return [] }
        // Only whole lines; a line still being written is read next time.
        guard let lastNewline = data.lastIndex(of: 0x0A) else { return [] }
        let whole = data[data.startIndex...lastNewline]
        offset += whole.count
        var fresh: [ActivityEvent] = []
        for e in ActivityJournal.parse(Data(whole)) where !seen.contains(e.id) {
            // After a compaction the file starts over: what was already shown is skipped.
            if replaced, e.at < newest { continue }
            seen.insert(e.id)
            newest = max(newest, e.at)
            fresh.append(e)
        }
        if seen.count > 100_000 { seen = Set(fresh.map(\.id)) }
        return fresh
    }
}
