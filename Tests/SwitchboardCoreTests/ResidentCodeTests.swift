import Foundation
import SwitchboardCore
@testable import SwitchboardSystem
import Testing

@Suite struct ResidentCodeTests {
    typealias Segment = ResidentCode.Segment
    static let load: UInt32 = 1, relro: UInt32 = 0x6474_e552, dynamic: UInt32 = 2
    static let r: UInt32 = 4, rx: UInt32 = 5, rw: UInt32 = 6

    /// A PIE laid out as lld lays out the release: read-only data, code, relocated read-only data (its own
    /// writable segment, protected after relocation), data with a zero-filled tail.
    @Test func onlyNeverWrittenFileBackedPagesAreDropped() {
        let segments = [
            Segment(type: Self.load, flags: Self.r, address: 0, fileSize: 0x40_0000, memorySize: 0x40_0000),
            Segment(type: Self.load, flags: Self.rx, address: 0x40_0100, fileSize: 0x1C0_0000, memorySize: 0x1C0_0000),
            Segment(type: Self.load, flags: Self.rw, address: 0x200_0000, fileSize: 0x10_0000, memorySize: 0x10_0000),
            Segment(type: Self.load, flags: Self.rw, address: 0x210_0000, fileSize: 0x8_0000, memorySize: 0x10_0000),
            Segment(type: Self.relro, flags: Self.r, address: 0x200_0000, fileSize: 0x10_0000, memorySize: 0x10_0000),
            Segment(type: Self.dynamic, flags: Self.rw, address: 0x200_1000, fileSize: 0x200, memorySize: 0x200),
        ]
        let base: UInt = 0x5555_0000_0000
        #expect(ResidentCode.droppable(segments, base: base, page: 0x1000) == [
            base..<base + 0x40_0000,
            // Not page-aligned at its start: the page it shares with the segment before is kept.
            base + 0x40_1000..<base + 0x200_0000,
        ])
    }

    /// A read-only segment that a RELRO range reaches into (a linker may put both in one segment): the pages
    /// the dynamic linker writes are kept, whole pages either side of them are dropped.
    @Test func relocatedReadOnlyPagesInsideAReadOnlySegmentAreKept() {
        let segments = [
            Segment(type: Self.load, flags: Self.r, address: 0, fileSize: 0x10_000, memorySize: 0x10_000),
            Segment(type: Self.relro, flags: Self.r, address: 0x4_800, fileSize: 0x1_000, memorySize: 0x1_000),
        ]
        #expect(ResidentCode.droppable(segments, base: 0x10_0000, page: 0x1000) == [
            0x10_0000..<0x10_4000, 0x10_6000..<0x11_0000,
        ])
    }

    @Test func addressesThatWouldOverflowAreIgnored() {
        let segments = [Segment(type: Self.load, flags: Self.r, address: UInt.max - 10, fileSize: 0x10_000, memorySize: 0x10_000)]
        #expect(ResidentCode.droppable(segments, base: 0x1000, page: 0x1000).isEmpty)
        #expect(ResidentCode.droppable(segments, base: 0, page: 0).isEmpty)
    }

    /// In this very process, with other tests running on other threads: drop, then run code, read constant
    /// data and use the C library, which all come back from the page cache as they were.
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
