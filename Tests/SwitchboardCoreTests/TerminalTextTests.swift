import Foundation
import SwitchboardCore
import Testing

@Suite struct TerminalTextTests {
    /// The byte scan that lets clean output skip the filter agrees with the filter on every scalar of
    /// the ranges that hold controls and invisible format characters (and their neighbours), wherever the
    /// scalar falls among the scan's eight-byte words (at each offset, and across a word's end).
    @Test func theByteScanAgreesWithTheFilter() {
        let ranges: [ClosedRange<UInt32>] = [0...0x3FF, 0x0600...0x06FF, 0x2000...0x20FF, 0xFE00...0xFFFD, 0x1F600...0x1F64F]
        var checked = 0
        for range in ranges {
            for value in range {
                guard let scalar = Unicode.Scalar(value) else { continue }
                let changes = TerminalText.safe("a" + String(Character(scalar)) + "b", keepLineBreaks: true) != "a" + String(Character(scalar)) + "b"
                for offset in [0, 1, 5, 6, 7, 8, 13] {
                    let text = String(repeating: "a", count: offset) + String(Character(scalar)) + "b\n{\"json\": 1}\t"
                    let scanned = Array(text.utf8).withUnsafeBytes { TerminalText.needsFiltering($0) }
                    #expect(scanned == changes, "U+\(String(value, radix: 16, uppercase: true)) at \(offset): scan \(scanned), filter \(changes)")
                    checked += 1
                }
            }
        }
        #expect(checked > 14_000)
        // Plain ASCII with line breaks and tabs, in whole words and a tail, needs nothing.
        let plain = String(repeating: "{\n\t\"name\" : \"server-1\", ~ }\n", count: 50) + "tail"
        #expect(!Array(plain.utf8).withUnsafeBytes { TerminalText.needsFiltering($0) })
    }

    @Test func controlsAreShownNotSent() {
        #expect(TerminalText.safe("a\u{1B}[2Jb\u{9B}c\u{202E}d") == "a^[[2Jb<U+009B>c<U+202E>d")
        #expect(TerminalText.safe("line\nnext", keepLineBreaks: true) == "line\nnext")
        #expect(TerminalText.safe("line\nnext") == "line^Jnext")
        #expect(TerminalText.safeJSON("{\"a\":\"x\u{9B}\u{202E}\"}") == "{\"a\":\"x\\u009b\\u202e\"}")
        #expect(TerminalText.safe("abcdef", limit: 3) == "abc…")
    }
}
