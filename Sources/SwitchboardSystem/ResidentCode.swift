import CProcessMemory
import Foundation
import SwitchboardModel
#if canImport(Glibc)
import Glibc
#endif

/// The pages start-up touched (argument parsing, reading the stores, building the engine, the dynamic
/// linker's symbol tables, the C++ runtime's start) stay mapped for the life of a process, 64 KiB at a time by
/// the kernel's fault-around, though a long-running process like the bridge never touches most of them again.
/// Letting go of them leaves only what the process goes on using: pages needed again come back from the page
/// cache on first use, exactly as they were.
///
/// What is dropped is decided from the loaded objects' own program headers, never from a reading of
/// /proc/self/maps (which goes stale while other threads run, and whose "no anonymous page" cannot see a
/// written page that was swapped out): only the loadable segments that are not writable and lie outside every
/// `PT_GNU_RELRO` range, i.e. code and constant data that nothing ever writes. A page of such a segment can
/// only ever hold the file's bytes, so dropping it loses nothing. An object with text relocations (its code
/// written by the dynamic linker at load) is skipped whole. The advice is given while the dynamic
/// linker's list is held (inside `dl_iterate_phdr`), so no object can be loaded or unloaded meanwhile.
/// Writable data, relocated read-only data and the heap are never touched.
public enum ResidentCode {
    /// At most `n` malloc arenas from now on (glibc makes one per thread that allocates under contention, up
    /// to eight per core, and each keeps its own free pages).
    public static func limitArenas(_ n: Int32) { sb_limit_arenas(n) }

    /// Drops this process's resident pages of read-only, never-written segments; returns the bytes advised.
    @discardableResult
    public static func dropStartupPages() -> Int {
        // A debugger's breakpoints are private copies of code pages: dropping them would remove the breakpoints.
        if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
           let tracer = status.split(separator: "\n").first(where: { $0.hasPrefix("TracerPid:") }),
           tracer.dropFirst("TracerPid:".count).trimmingCharacters(in: .whitespaces) != "0" { return 0 }
        var advised = 0
        withUnsafeMutablePointer(to: &advised) { total in
            sb_each_loaded_object({ base, headers, count, context in
                guard let headers, let context else { return }
                let segments = UnsafeBufferPointer(start: headers, count: count).map {
                    Segment(type: $0.type, flags: $0.flags, address: $0.address, fileSize: $0.file_size, memorySize: $0.memory_size)
                }
                for range in ResidentCode.droppable(segments, base: base, page: UInt(max(sysconf(Int32(_SC_PAGESIZE)), 0))) {
                    guard let start = UnsafeMutableRawPointer(bitPattern: range.lowerBound) else { continue }
                    if madvise(start, Int(range.upperBound - range.lowerBound), MADV_DONTNEED) == 0 {
                        context.assumingMemoryBound(to: Int.self).pointee += Int(range.upperBound - range.lowerBound)
                    }
                }
            }, total)
        }
        // The heap's free pages too: what start-up allocated and let go of (the stores' files as read and
        // decoded, the argument parser's tables) stays with the allocator until it is trimmed.
        sb_trim_heap()
        return advised
    }

    /// The part of an ELF program header that decides.
    struct Segment: Equatable {
        var type: UInt32
        var flags: UInt32
        var address: UInt
        var fileSize: UInt
        var memorySize: UInt
    }

    /// The whole pages of `segments` (of an object loaded at `base`) that are loadable, not writable, backed by
    /// the file (`p_filesz`; a segment's zero-filled tail is anonymous memory) and outside every RELRO range.
    static func droppable(_ segments: [Segment], base: UInt, page: UInt) -> [Range<UInt>] {
        let loadable: UInt32 = 1, relocatedReadOnly: UInt32 = 0x6474_e552, writable: UInt32 = 0x2
        guard page > 0 else { return [] }
        func whole(_ start: UInt, _ size: UInt) -> Range<UInt>? {
            // Inward to page boundaries: a page shared with a neighbouring segment is left alone.
            let (begin, o1) = base.addingReportingOverflow(start)
            let (end, o2) = begin.addingReportingOverflow(size)
            guard !o1, !o2 else { return nil }
            let first = (begin + page - 1) / page * page, last = end / page * page
            return first < last ? first..<last : nil
        }
        func around(_ start: UInt, _ size: UInt) -> Range<UInt>? {
            // Outward: every page that holds any of a RELRO range is kept.
            let (begin, o1) = base.addingReportingOverflow(start)
            let (end, o2) = begin.addingReportingOverflow(size)
            guard !o1, !o2, end > begin else { return nil }
            return begin / page * page..<(end + page - 1) / page * page
        }
        let relro = segments.filter { $0.type == relocatedReadOnly }.compactMap { around($0.address, $0.memorySize) }
        var ranges: [Range<UInt>] = []
        for s in segments where s.type == loadable && s.flags & writable == 0 {
            guard var pieces = whole(s.address, s.fileSize).map({ [$0] }) else { continue }
            for r in relro {
                pieces = pieces.flatMap { p -> [Range<UInt>] in
                    guard p.overlaps(r) else { return [p] }
                    return [p.lowerBound..<max(p.lowerBound, r.lowerBound), min(p.upperBound, r.upperBound)..<p.upperBound].filter { !$0.isEmpty }
                }
            }
            ranges += pieces
        }
        return ranges
    }
}
