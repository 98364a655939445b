import Foundation
import SwitchboardModel
import SwitchboardText
import SwitchboardStorage
import SwitchboardSystem

/// Edits members of one object in a JSON (or JSON-with-comments) document by splicing its text, so every
/// other member, comment, blank line and byte stays as it was. The document has already parsed with
/// JSONSerialization: this scanner only finds where things are (strings, comments, nesting), and gives up
/// (nil) on anything it does not expect rather than guess. A comment that follows a member on the member's
/// own line belongs to that member; a comment on lines of its own belongs to no member and is never removed.
struct JSONSplice {
    /// The text (set only by the edits, in `+Edits`).
    var bytes: [UInt8]

    init(_ text: String) { bytes = Array(text.utf8) }

    var text: String { String(decoding: bytes, as: UTF8.self) }

    /// A member: its key, decoded, and where its key and value sit (`valueEnd` is one past the value).
    struct Member { var key: String; var keyStart: Int; var valueStart: Int; var valueEnd: Int }
    /// An object: its braces and members, in order.
    struct Object { var open: Int; var close: Int; var members: [Member] }

    static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\"), slash = UInt8(ascii: "/"), star = UInt8(ascii: "*")
    static let colon = UInt8(ascii: ":"), comma = UInt8(ascii: ","), newline = UInt8(ascii: "\n")
    static let lbrace = UInt8(ascii: "{"), rbrace = UInt8(ascii: "}"), lbracket = UInt8(ascii: "["), rbracket = UInt8(ascii: "]")
    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }

    /// The root object.
    func root() -> Object? {
        object(at: trivia(from: bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0))
    }

    /// The object that is the value of the root's member `key` (the last such member, as parsers keep it).
    func table(_ key: String) -> Object? {
        guard let member = root()?.members.last(where: { $0.key == key }) else { return nil }
        return object(at: member.valueStart)
    }

    /// Skips whitespace and `//` / `/* */` comments.
    func trivia(from start: Int) -> Int {
        var i = start
        while i < bytes.count {
            if Self.isSpace(bytes[i]) { i += 1; continue }
            guard bytes[i] == Self.slash, i + 1 < bytes.count else { break }
            if bytes[i + 1] == Self.slash {
                while i < bytes.count, bytes[i] != Self.newline { i += 1 }
            } else if bytes[i + 1] == Self.star {
                i += 2
                while i + 1 < bytes.count, !(bytes[i] == Self.star && bytes[i + 1] == Self.slash) { i += 1 }
                i = min(i + 2, bytes.count)
            } else {
                break
            }
        }
        return i
    }

    /// One past the comment starting at `start` (a `//` comment ends before its line break, `\r\n` or `\n`);
    /// `start` itself when no comment starts there.
    func commentEnd(at start: Int) -> Int {
        guard start + 1 < bytes.count, bytes[start] == Self.slash else { return start }
        var i = start + 2
        if bytes[start + 1] == Self.slash {
            while i < bytes.count, bytes[i] != Self.newline { i += 1 }
            return i < bytes.count && bytes[i - 1] == 0x0D ? i - 1 : i
        }
        guard bytes[start + 1] == Self.star else { return start }
        while i + 1 < bytes.count, !(bytes[i] == Self.star && bytes[i + 1] == Self.slash) { i += 1 }
        return min(i + 2, bytes.count)
    }

    /// What follows a value on its line and goes with its member: blanks, its comma, and the comments that start
    /// on that line. `end` is where that stops (at the line break, the end of the text, or the next token);
    /// `lineEnds` whether a line break (or the end) is there, and `through` one past that line break.
    func tail(after valueEnd: Int) -> (comma: Int?, end: Int, lineEnds: Bool, through: Int) {
        var i = valueEnd, comma: Int?
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x20 || b == 0x09 { i += 1; continue }
            if b == Self.comma, comma == nil { comma = i; i += 1; continue }
            let end = commentEnd(at: i)
            guard end > i else { break }
            // A block comment that runs onto later lines is the last thing on this member's line.
            let spansLines = bytes[i..<end].contains(Self.newline)
            i = end
            if spansLines { break }
        }
        if i == bytes.count { return (comma, i, true, i) }
        if bytes[i] == Self.newline { return (comma, i, true, i + 1) }
        if bytes[i] == 0x0D, i + 1 < bytes.count, bytes[i + 1] == Self.newline { return (comma, i, true, i + 2) }
        return (comma, i, false, i)
    }

    private func stringEnd(_ start: Int) -> Int? {
        var i = start + 1
        while i < bytes.count {
            if bytes[i] == Self.backslash { i += 2; continue }
            if bytes[i] == Self.quote { return i + 1 }
            i += 1
        }
        return nil
    }

    private func valueEnd(_ start: Int) -> Int? {
        guard start < bytes.count else { return nil }
        switch bytes[start] {
        case Self.quote:
            return stringEnd(start)
        case Self.lbrace, Self.lbracket:
            var depth = 0, i = start
            while i < bytes.count {
                let b = bytes[i]
                if b == Self.quote {
                    guard let end = stringEnd(i) else { return nil }
                    i = end
                    continue
                }
                if b == Self.slash, trivia(from: i) > i { i = trivia(from: i); continue }
                if b == Self.lbrace || b == Self.lbracket { depth += 1 }
                if b == Self.rbrace || b == Self.rbracket {
                    depth -= 1
                    if depth == 0 { return i + 1 }
                }
                i += 1
            }
            return nil
        default:
            var i = start
            while i < bytes.count, !Self.isSpace(bytes[i]), ![Self.comma, Self.rbrace, Self.rbracket, Self.slash].contains(bytes[i]) { i += 1 }
            return i > start ? i : nil
        }
    }

    func object(at start: Int) -> Object? {
        guard start < bytes.count, bytes[start] == Self.lbrace else { return nil }
        var members: [Member] = []
        var i = trivia(from: start + 1)
        while i < bytes.count {
            if bytes[i] == Self.rbrace { return Object(open: start, close: i, members: members) }
            guard bytes[i] == Self.quote, let keyEnd = stringEnd(i),
                  let key = (try? JSONSerialization.jsonObject(with: Data(bytes[i..<keyEnd]), options: .fragmentsAllowed)) as? String
            else { return nil }
            var j = trivia(from: keyEnd)
            guard j < bytes.count, bytes[j] == Self.colon else { return nil }
            j = trivia(from: j + 1)
            guard let end = valueEnd(j) else { return nil }
            members.append(Member(key: key, keyStart: i, valueStart: j, valueEnd: end))
            i = trivia(from: end)
            if i < bytes.count, bytes[i] == Self.comma {
                i = trivia(from: i + 1)
            } else if i < bytes.count, bytes[i] != Self.rbrace {
                return nil
            }
        }
        return nil
    }

    // MARK: Layout of lines

    func lineStart(_ i: Int) -> Int {
        var s = i
        while s > 0, bytes[s - 1] != Self.newline { s -= 1 }
        return s
    }

    /// The whitespace that starts the line holding byte `i`.
    func indent(at i: Int) -> String {
        let s = lineStart(i)
        var e = s
        while e < bytes.count, bytes[e] == 0x20 || bytes[e] == 0x09 { e += 1 }
        return String(decoding: bytes[s..<e], as: UTF8.self)
    }

    /// Whether only whitespace precedes byte `i` on its line.
    func startsLine(_ i: Int) -> Bool { bytes[lineStart(i)..<i].allSatisfy { $0 == 0x20 || $0 == 0x09 } }

    /// The file's line break (a CRLF file gets CRLF).
    var lineBreak: String { bytes.contains(0x0D) && text.contains("\r\n") ? "\r\n" : "\n" }

    /// One level of indentation, as the file's root members use it (two spaces when nothing says).
    var indentUnit: String {
        guard let first = root()?.members.first, startsLine(first.keyStart) else { return "  " }
        let unit = indent(at: first.keyStart)
        return unit.isEmpty ? "  " : unit
    }

    // MARK: Checking

    /// The text cut into pieces for `SpliceCheck` around `object`: everything up to its `{`, each member (key to
    /// value) and each comment inside, everything from its `}` on. Members named in `changing` change, and so do
    /// the comments that follow one named in `removing` on its line (they go with it). Nil on anything else.
    func pieces(around object: Object, changing: Set<String>, removing: Set<String>) -> [SpliceCheck.Piece]? {
        var out = [SpliceCheck.Piece(range: 0..<object.open + 1, changes: false)]
        var members = object.members[...]
        var i = object.open + 1, owner = false
        while i < object.close {
            let b = bytes[i]
            if b == Self.newline { owner = false }
            if Self.isSpace(b) || b == Self.comma { i += 1; continue }
            if let m = members.first, m.keyStart == i {
                out.append(SpliceCheck.Piece(range: m.keyStart..<m.valueEnd, changes: changing.contains(m.key)))
                owner = removing.contains(m.key)
                members.removeFirst()
                i = m.valueEnd
                continue
            }
            let end = commentEnd(at: i)
            guard end > i else { return nil }
            out.append(SpliceCheck.Piece(range: i..<end, changes: owner))
            if bytes[i..<end].contains(Self.newline) { owner = false }
            i = end
        }
        guard members.isEmpty, i == object.close else { return nil }
        out.append(SpliceCheck.Piece(range: object.close..<bytes.count, changes: false))
        return out
    }

    // MARK: Rendering

    /// A JSON string literal (slashes as they are: these are paths and URLs).
    static func string(_ s: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: s, options: [.fragmentsAllowed, .withoutEscapingSlashes])) ?? Data("\"\"".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// An object of `members`: one member a line when `lineBreak` is given (inside `indent`), else on one line.
    static func render(_ members: [ConfigMember], indent: String, unit: String, lineBreak: String?) -> String {
        if members.isEmpty { return "{}" }
        let parts = members.map { m -> String in
            switch m.value {
            case .string(let s): string(m.name) + ": " + string(s)
            case .strings(let a): string(m.name) + ": [" + a.map(string).joined(separator: ", ") + "]"
            }
        }
        guard let nl = lineBreak else { return "{" + parts.joined(separator: ", ") + "}" }
        return "{" + nl + parts.map { indent + unit + $0 }.joined(separator: "," + nl) + nl + indent + "}"
    }
}
