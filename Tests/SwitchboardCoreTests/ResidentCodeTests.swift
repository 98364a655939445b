import Foundation
@testable import SwitchboardCore
import Testing

@Suite struct ResidentCodeTests {
    /// A bridge's smaps, cut down: the executable's read-only data and code (clean), its relocated read-only
    /// data (written by the dynamic linker: anonymous pages), its data, a shared library's code, the heap, a
    /// shared file mapping, and the vDSO.
    static let smaps = """
    555500000000-555500400000 r--p 00000000 fe:00 5571963                    /opt/bin/switchboard
    Size:               4096 kB
    Rss:                4064 kB
    Anonymous:             0 kB
    VmFlags: rd mr mw me sd
    555500400000-555502000000 r-xp 00400000 fe:00 5571963                    /opt/bin/switchboard
    Rss:               15048 kB
    Anonymous:             0 kB
    555502000000-555502100000 r--p 02000000 fe:00 5571963                    /opt/bin/switchboard
    Rss:                1176 kB
    Anonymous:          1176 kB
    555502100000-555502200000 rw-p 02100000 fe:00 5571963                    /opt/bin/switchboard
    Anonymous:           900 kB
    7fa2e4644000-7fa2e479a000 r-xp 00026000 fe:00 333151                     /usr/lib/x86_64-linux-gnu/libc.so.6
    Anonymous:             0 kB
    7fa2d4000000-7fa2d4135000 rw-p 00000000 00:00 0 
    Anonymous:          1236 kB
    7fa2e5000000-7fa2e5001000 r--s 00000000 fe:00 4242                       /tmp/shared file
    Anonymous:             0 kB
    7ffd2f1f8000-7ffd2f1fa000 r-xp 00000000 00:00 0                          [vdso]
    Anonymous:             0 kB
    """

    @Test func onlyCleanReadOnlyPrivateFileMappingsAreDropped() {
        let ranges = ResidentCode.droppable(smaps: Self.smaps)
        #expect(ranges == [
            0x5555_0000_0000..<0x5555_0040_0000, // read-only data, clean
            0x5555_0040_0000..<0x5555_0200_0000, // code
            0x7fa2_e464_4000..<0x7fa2_e479_a000, // libc's code
        ])
        // Kept: relocated read-only data (its pages are the dynamic linker's, not the file's), writable data,
        // the heap, a shared mapping and the vDSO.
        #expect(!ranges.contains { $0.contains(0x5555_0200_0000) })
    }

    @Test func aMappingWithoutAnAnonymousLineIsKept() {
        // An smaps from a kernel that leaves the line out proves nothing about the pages: keep the mapping.
        let text = "555500000000-555500400000 r--p 00000000 fe:00 1 /opt/bin/x\nRss: 4 kB\n555500400000-555500500000 r-xp 00400000 fe:00 1 /opt/bin/x\nAnonymous: 0 kB\n"
        #expect(ResidentCode.droppable(smaps: text) == [0x5555_0040_0000..<0x5555_0050_0000])
    }

    /// In this very process: drop, then run code, read constant data and use the C library, which all come
    /// back from the page cache as they were.
    @Test func theProcessRunsOnAfterItsPagesAreDropped() throws {
        let advised = ResidentCode.dropStartupPages()
        #expect(advised > 0)
        let words = ["alpha", "beta", "gamma"].map { $0.uppercased() }.joined(separator: ",")
        #expect(words == "ALPHA,BETA,GAMMA")
        let data = try JSONSerialization.data(withJSONObject: ["k": [1, 2, 3]])
        #expect(String(decoding: data, as: UTF8.self).contains("[1,2,3]"))
        #expect(ResidentCode.dropStartupPages() > 0)
    }
}
