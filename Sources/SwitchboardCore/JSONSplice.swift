import Foundation

/// Edits members of one object in a JSON (or JSON-with-comments) document by splicing its text, so every
/// other member, comment, blank line and byte stays as it was. The document has already parsed with
/// JSONSerialization: this scanner only finds where things are (strings, comments, nesting), and gives up
/// (nil) on anything it does not expect rather than guess.
struct JSONSplice {
    private(set) var bytes: [UInt8]

    init(_ text: String) { bytes = Array(text.utf8) }

    var text: String { String(decoding: bytes, as: UTF8.self) }

    /// A member: its key, decoded, and where its key and value sit (`valueEnd` is one past the value).
    struct Member { var key: String; var keyStart: Int; var valueStart: Int; var valueEnd: Int }
    /// An object: its braces and members, in order.
    struct Object { var open: Int; var close: Int; var members: [Member] }

    private static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\"), slash = UInt8(ascii: "/"), star = UInt8(ascii: "*")
    private static let colon = UInt8(ascii: ":"), comma = UInt8(ascii: ","), newline = UInt8(ascii: "\n")
    private static let lbrace = UInt8(ascii: "{"), rbrace = UInt8(ascii: "}"), lbracket = UInt8(ascii: "["), rbracket = UInt8(ascii: "]")
    private static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }

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

    private func lineStart(_ i: Int) -> Int {
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

    // MARK: Edits

    /// Sets member `key` of `object` (found afresh by `locate`) to `value`: its value replaced if it exists,
    /// else a member added after the last one. Returns false when the layout was not understood.
    mutating func set(_ key: String, _ value: [ConfigMember], in locate: (JSONSplice) -> Object?) -> Bool {
        guard let object = locate(self) else { return false }
        let unit = indentUnit, nl = lineBreak
        if let member = object.members.first(where: { $0.key == key }) {
            let multiline = startsLine(member.keyStart)
            let rendered = Self.render(value, indent: indent(at: member.keyStart), unit: unit, lineBreak: multiline ? nl : nil)
            bytes.replaceSubrange(member.valueStart..<member.valueEnd, with: Array(rendered.utf8))
            return true
        }
        let name = Self.string(key)
        if let last = object.members.last {
            let multiline = startsLine(last.keyStart)
            let ind = indent(at: last.keyStart)
            let rendered = Self.render(value, indent: ind, unit: unit, lineBreak: multiline ? nl : nil)
            let text = multiline ? "," + nl + ind + name + ": " + rendered : ", " + name + ": " + rendered
            bytes.insert(contentsOf: Array(text.utf8), at: last.valueEnd)
            return true
        }
        let outer = indent(at: object.open), ind = outer + unit
        let member = name + ": " + Self.render(value, indent: ind, unit: unit, lineBreak: nl)
        let inner = object.open + 1..<object.close
        if bytes[inner].allSatisfy(Self.isSpace) {
            bytes.replaceSubrange(inner, with: Array((nl + ind + member + nl + outer).utf8))
        } else {
            // Only comments inside: they stay, after the new member.
            bytes.insert(contentsOf: Array((nl + ind + member).utf8), at: object.open + 1)
        }
        return true
    }

    /// Removes member `key` of the object `locate` finds, with its comma and, when it had a line to itself,
    /// that line. Returns false when the layout was not understood.
    mutating func remove(_ key: String, in locate: (JSONSplice) -> Object?) -> Bool {
        guard let object = locate(self), let index = object.members.firstIndex(where: { $0.key == key }) else { return false }
        let member = object.members[index]
        var range: Range<Int>
        if index + 1 < object.members.count {
            // Up to the next member: the comma goes with it; a line of its own goes whole.
            let next = object.members[index + 1]
            var end = trivia(from: member.valueEnd)
            guard end < next.keyStart, bytes[end] == Self.comma else { return false }
            end += 1
            var lineEnd = end
            while lineEnd < next.keyStart, bytes[lineEnd] == 0x20 || bytes[lineEnd] == 0x09 || bytes[lineEnd] == 0x0D { lineEnd += 1 }
            if startsLine(member.keyStart), lineEnd < bytes.count, bytes[lineEnd] == Self.newline {
                range = lineStart(member.keyStart)..<lineEnd + 1
            } else {
                range = member.keyStart..<trivia(from: end)
            }
        } else if index > 0 {
            // The last member: the comma before it goes.
            range = object.members[index - 1].valueEnd..<member.valueEnd
        } else {
            range = member.keyStart..<member.valueEnd
            let after = trivia(from: member.valueEnd)
            if after < bytes.count, bytes[after] == Self.comma { range = member.keyStart..<after + 1 }
        }
        bytes.removeSubrange(range)
        return true
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
