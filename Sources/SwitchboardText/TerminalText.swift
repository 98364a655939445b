import Foundation
import SwitchboardModel

/// Text made safe to write to a terminal. Everything a server or another program's file sends can hold
/// escape sequences (`ESC ]52;c;…` writes the clipboard, `ESC [2J` clears the screen), C1 controls (which
/// some terminals obey as escapes) or bidirectional overrides (which make text read differently from
/// what it is). These are shown instead, in a visible form: `^[` for C0 controls (as the screen draws
/// them), `<U+009B>` for C1, bidi and other invisible format controls.
public enum TerminalText {
    /// One string, made printable. `keepLineBreaks` keeps `\n` and `\t` (for whole lines of output);
    /// otherwise they are shown too, so server text stays on one line.
    public static func safe(_ text: String, limit: Int? = nil, keepLineBreaks: Bool = false) -> String {
        var out = String.UnicodeScalarView()
        var count = 0
        for scalar in text.unicodeScalars {
            if let limit, count >= limit {
                out.append("…")
                break
            }
            count += 1
            if keepLineBreaks, scalar == "\n" || scalar == "\t" {
                out.append(scalar)
            } else if scalar.value < 0x20 {
                out.append("^")
                out.append(Unicode.Scalar(UInt8(scalar.value + 0x40)))
            } else if scalar.value == 0x7F {
                out.append(contentsOf: "^?".unicodeScalars)
            } else if isHidden(scalar) {
                out.append(contentsOf: String(format: "<U+%04X>", scalar.value).unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// Whether UTF-8 `bytes` hold anything `safe` or `safeJSON` would change (line breaks and tabs kept):
    /// a byte scan, so the common case — plain text, or megabytes of `--json` — is written without
    /// decoding it into scalars. Mirrors `isHidden` exactly.
    public static func needsFiltering(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let n = bytes.count
        var i = 0
        // Eight bytes at a time: a word of printable ASCII, line breaks and tabs (all of a JSON file, most
        // of any text) is passed over with a few arithmetic operations; any other word is checked byte by byte.
        while i + 8 <= n {
            if !isPlainASCII(bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)) {
                for j in i..<(i + 8) where startsHidden(bytes, at: j) { return true }
            }
            i += 8
        }
        while i < n {
            if startsHidden(bytes, at: i) { return true }
            i += 1
        }
        return false
    }

    /// Whether all eight bytes are printable ASCII (0x20–0x7E), line feeds or tabs. Exact for every byte:
    /// no carry crosses from one byte into the next.
    @inline(__always)
    static func isPlainASCII(_ w: UInt64) -> Bool {
        let high: UInt64 = 0x8080_8080_8080_8080, low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        func repeated(_ b: UInt8) -> UInt64 { UInt64(b) &* 0x0101_0101_0101_0101 }
        /// The high bit of each byte of `x` that is zero.
        func zeroBytes(_ x: UInt64) -> UInt64 { ~(((x & low7) &+ low7) | x) & high }
        if w & high != 0 { return false }
        let below20 = ~((w & low7) &+ repeated(0x60)) & high          // bytes 0x00–0x1F
        let allowed = zeroBytes(w ^ repeated(0x0A)) | zeroBytes(w ^ repeated(0x09))
        return (below20 & ~allowed) | zeroBytes(w ^ repeated(0x7F)) == 0
    }

    /// Whether a character `safe` or `safeJSON` would change starts at byte `i` of UTF-8 `bytes`.
    @inline(__always)
    static func startsHidden(_ bytes: UnsafeRawBufferPointer, at i: Int) -> Bool {
        let n = bytes.count
        let b = bytes[i]
        if b < 0x80 { return (b < 0x20 && b != 0x0A && b != 0x09) || b == 0x7F }
        let b1: UInt8 = i + 1 < n ? bytes[i + 1] : 0
        let b2: UInt8 = i + 2 < n ? bytes[i + 2] : 0
        switch b {
        case 0xC2 where (0x80...0x9F).contains(b1): return true                 // U+0080–U+009F
        case 0xD8 where b1 == 0x9C: return true                                   // U+061C
        case 0xE2 where b1 == 0x80 && (b2 == 0x8B || b2 == 0x8E || b2 == 0x8F): return true // U+200B, U+200E, U+200F
        case 0xE2 where b1 == 0x80 && (0xAA...0xAE).contains(b2): return true      // U+202A–U+202E
        case 0xE2 where b1 == 0x81 && ((0xA0...0xA4).contains(b2) || (0xA6...0xAF).contains(b2)): return true // U+2060–64, U+2066–6F
        case 0xEF where b1 == 0xBB && b2 == 0xBF: return true                     // U+FEFF
        case 0xEF where b1 == 0xBF && (0xB9...0xBB).contains(b2): return true      // U+FFF9–U+FFFB
        default: return false
        }
    }

    /// C1 controls, bidi embeddings, overrides and isolates, and the other invisible format characters
    /// a line could hide behind (zero-width joiners stay: emoji need them).
    static func isHidden(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x80...0x9F: true
        case 0x061C, 0x200B, 0x200E, 0x200F, 0x202A...0x202E, 0x2060...0x2064, 0x2066...0x206F, 0xFEFF, 0xFFF9...0xFFFB: true
        default: false
        }
    }

    /// JSON text (already escaped by the encoder for C0) with C1, bidi and format controls escaped as
    /// `\uXXXX` too: still the same JSON value, and nothing a terminal would act on.
    public static func safeJSON(_ json: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in json.unicodeScalars {
            if scalar.value < 0x20 && scalar != "\n" && scalar != "\t" {
                out.append(contentsOf: String(format: "\\u%04x", scalar.value).unicodeScalars)
            } else if scalar.value == 0x7F || isHidden(scalar) {
                out.append(contentsOf: String(format: "\\u%04x", scalar.value).unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }
}
