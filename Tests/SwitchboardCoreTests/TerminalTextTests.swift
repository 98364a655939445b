import Foundation
import SwitchboardCore
import Testing

@Suite struct TerminalTextTests {
    /// The byte scan that lets clean output skip the filter agrees with the filter on every scalar of
    /// the ranges that hold controls and invisible format characters (and their neighbours).
    @Test func theByteScanAgreesWithTheFilter() {
        let ranges: [ClosedRange<UInt32>] = [0...0x3FF, 0x0600...0x06FF, 0x2000...0x20FF, 0xFE00...0xFFFD, 0x1F600...0x1F64F]
        var checked = 0
        for range in ranges {
            for value in range {
                guard let scalar = Unicode.Scalar(value) else { continue }
                let text = "a" + String(Character(scalar)) + "b"
                let changes = TerminalText.safe(text, keepLineBreaks: true) != text
                let scanned = Array(text.utf8).withUnsafeBytes { TerminalText.needsFiltering($0) }
                #expect(scanned == changes, "U+\(String(value, radix: 16, uppercase: true)): scan \(scanned), filter \(changes)")
                checked += 1
            }
        }
        #expect(checked > 2000)
    }

    @Test func controlsAreShownNotSent() {
        #expect(TerminalText.safe("a\u{1B}[2Jb\u{9B}c\u{202E}d") == "a^[[2Jb<U+009B>c<U+202E>d")
        #expect(TerminalText.safe("line\nnext", keepLineBreaks: true) == "line\nnext")
        #expect(TerminalText.safe("line\nnext") == "line^Jnext")
        #expect(TerminalText.safeJSON("{\"a\":\"x\u{9B}\u{202E}\"}") == "{\"a\":\"x\\u009b\\u202e\"}")
        #expect(TerminalText.safe("abcdef", limit: 3) == "abc…")
    }
}
