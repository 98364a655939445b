import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The executable's code pages that start-up touched (argument parsing, reading the stores, building the
/// engine) stay mapped for the life of a process, 64 KiB at a time by the kernel's fault-around, though a
/// long-running process like the bridge never runs that code again. Letting go of them leaves only the code
/// the process goes on running: pages needed again come back from the page cache on first use.
///
/// Only executable, unwritten mappings of the binary itself are dropped: code is never written to (the binary
/// is position-independent with no text relocations), so a dropped page comes back exactly as it was. Data,
/// relocated read-only data and the heap are never touched.
public enum ResidentCode {
    /// Drops this process's resident executable code pages; returns the bytes of the mappings advised.
    @discardableResult
    public static func dropStartupPages() -> Int {
        guard let maps = try? String(contentsOfFile: "/proc/self/maps", encoding: .utf8),
              let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return 0 }
        var advised = 0
        for line in maps.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            // address perms offset dev inode path: only "r-xp" mappings of the executable's own file.
            guard fields.count >= 6, fields[1] == "r-xp", fields[5...].joined(separator: " ") == exe else { continue }
            let bounds = fields[0].split(separator: "-").compactMap { UInt(String($0), radix: 16) }
            guard bounds.count == 2, bounds[1] > bounds[0], let start = UnsafeMutableRawPointer(bitPattern: bounds[0]) else { continue }
            if madvise(start, Int(bounds[1] - bounds[0]), MADV_DONTNEED) == 0 { advised += Int(bounds[1] - bounds[0]) }
        }
        return advised
    }
}
