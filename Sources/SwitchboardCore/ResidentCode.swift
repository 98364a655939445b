import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The pages start-up touched (argument parsing, reading the stores, building the engine, the dynamic
/// linker's symbol tables, the C++ runtime's start) stay mapped for the life of a process, 64 KiB at a time by
/// the kernel's fault-around, though a long-running process like the bridge never touches most of them again.
/// Letting go of them leaves only what the process goes on using: pages needed again come back from the page
/// cache on first use, exactly as they were.
///
/// Only private file mappings that cannot be written and hold no page of their own are dropped: the kernel's
/// `Anonymous: 0 kB` for the mapping says no page of it was ever copied on write (the relocated read-only
/// data, which the dynamic linker wrote before protecting it, shows as anonymous and is kept), so every
/// resident page is the file's own and dropping it loses nothing. Writable data and the heap are never touched.
public enum ResidentCode {
    /// Drops this process's clean, read-only file-backed pages; returns the bytes of the mappings advised.
    @discardableResult
    public static func dropStartupPages() -> Int {
        // /proc/self/smaps is read whole by Foundation (it reports size 0, and is generated as it is read).
        guard let smaps = try? String(contentsOfFile: "/proc/self/smaps", encoding: .utf8) else { return 0 }
        var advised = 0
        for mapping in droppable(smaps: smaps) {
            guard let start = UnsafeMutableRawPointer(bitPattern: mapping.lowerBound) else { continue }
            if madvise(start, Int(mapping.upperBound - mapping.lowerBound), MADV_DONTNEED) == 0 {
                advised += Int(mapping.upperBound - mapping.lowerBound)
            }
        }
        return advised
    }

    /// The address ranges in `smaps` text that are private, not writable, backed by a file (a path, not a
    /// pseudo-mapping such as `[vdso]`), and hold no anonymous page.
    static func droppable(smaps: String) -> [Range<UInt>] {
        var ranges: [Range<UInt>] = []
        var candidate: Range<UInt>?
        for line in smaps.split(separator: "\n", omittingEmptySubsequences: true) {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard let first = fields.first else { continue }
            if first.contains("-"), fields.count >= 5, !first.hasSuffix(":") {
                // A mapping's header: "start-end perms offset dev inode [path]".
                candidate = nil
                let perms = fields[1]
                guard perms.count == 4, perms.hasPrefix("r"), !perms.contains("w"), perms.hasSuffix("p"),
                      fields.count >= 6, fields[5].hasPrefix("/") else { continue }
                let bounds = first.split(separator: "-").compactMap { UInt($0, radix: 16) }
                guard bounds.count == 2, bounds[1] > bounds[0] else { continue }
                candidate = bounds[0]..<bounds[1]
            } else if first == "Anonymous:", let range = candidate {
                if fields.count >= 2, fields[1] == "0" { ranges.append(range) }
                candidate = nil
            }
        }
        return ranges
    }
}
