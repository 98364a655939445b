import Foundation
import SwitchboardModel
import SwitchboardText
import SwitchboardStorage
import SwitchboardSystem
import TOMLKit

/// Edits the `[mcp_servers.NAME]` tables of a TOML document (Codex's config.toml) by splicing its text, so
/// every other table, key, comment and blank line stays byte for byte. The document has already parsed with
/// TOMLKit; this scanner only finds table headers (outside strings, comments and multi-line values), and
/// each header's key path is read by TOMLKit itself, so quoting and escapes in keys are TOML's own.
struct TOMLSplice {
    private(set) var bytes: [UInt8]

    init(_ text: String) { bytes = Array(text.utf8) }

    var text: String { String(decoding: bytes, as: UTF8.self) }

    /// A table: its key path, where its header line starts, and where its last line of content ends (before
    /// that line's break). Comments and blank lines after the content belong to whatever follows.
    struct Section { var path: [String]; var start: Int; var contentEnd: Int }

    private enum Text { case code, basic, literal, multilineBasic, multilineLiteral }

    /// Every table header in the document, in order; nil when a header cannot be read.
    func sections() -> [Section]? {
        var out: [Section] = []
        var state = Text.code, depth = 0, i = 0
        var lineBegin = 0, lineHasContent = false, lastContentEnd = 0
        func endOfContent(_ newline: Int) -> Int { newline > 0 && bytes[newline - 1] == 0x0D ? newline - 1 : newline }
        while i < bytes.count {
            let b = bytes[i]
            switch state {
            case .code:
                if b == 0x0A {
                    if lineHasContent || depth > 0 { lastContentEnd = endOfContent(i) }
                    lineBegin = i + 1
                    lineHasContent = false
                    i += 1
                    continue
                }
                if b == 0x20 || b == 0x09 || b == 0x0D { i += 1; continue }
                if b == UInt8(ascii: "#") {
                    while i < bytes.count, bytes[i] != 0x0A { i += 1 }
                    continue
                }
                if b == UInt8(ascii: "["), depth == 0, !lineHasContent {
                    // A table header: the previous section ends with its last content line.
                    if !out.isEmpty { out[out.count - 1].contentEnd = lastContentEnd }
                    guard let end = headerEnd(i) else { return nil }
                    // Only headers that can name a server are read (one TOMLKit parse each); a key spelled
                    // with escapes is then not recognized as a server's, which makes its edit an error, never a guess.
                    let header = String(decoding: bytes[i..<end], as: UTF8.self)
                    guard let path = header.contains("mcp_servers") ? Self.path(ofHeader: header) : [""] else { return nil }
                    out.append(Section(path: path, start: lineBegin, contentEnd: end))
                    lineHasContent = true
                    i = end
                    continue
                }
                lineHasContent = true
                if b == UInt8(ascii: "[") || b == UInt8(ascii: "{") { depth += 1 }
                if b == UInt8(ascii: "]") || b == UInt8(ascii: "}") { depth = max(0, depth - 1) }
                if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") {
                    let triple = i + 2 < bytes.count && bytes[i + 1] == b && bytes[i + 2] == b
                    state = b == UInt8(ascii: "\"") ? (triple ? .multilineBasic : .basic) : (triple ? .multilineLiteral : .literal)
                    i += triple ? 3 : 1
                    continue
                }
                i += 1
            case .basic, .literal:
                if b == UInt8(ascii: "\\"), state == .basic { i += 2; continue }
                if b == (state == .basic ? UInt8(ascii: "\"") : UInt8(ascii: "'")) { state = .code }
                i += 1
            case .multilineBasic, .multilineLiteral:
                let q = state == .multilineBasic ? UInt8(ascii: "\"") : UInt8(ascii: "'")
                if b == UInt8(ascii: "\\"), state == .multilineBasic { i += 2; continue }
                if b == 0x0A { lastContentEnd = endOfContent(i) }
                var run = 0
                while i + run < bytes.count, bytes[i + run] == q { run += 1 }
                if run >= 3 { state = .code; i += run; continue }
                i += max(run, 1)
            }
        }
        if lineHasContent || depth > 0 || state != .code { lastContentEnd = bytes.count }
        if !out.isEmpty { out[out.count - 1].contentEnd = lastContentEnd }
        return out
    }

    /// One past the `]` (or `]]`) that closes the header starting at `start`, quoted keys skipped.
    private func headerEnd(_ start: Int) -> Int? {
        var i = start + 1
        while i < bytes.count, bytes[i] != 0x0A {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") {
                i += 1
                while i < bytes.count, bytes[i] != b, bytes[i] != 0x0A { i += (b == UInt8(ascii: "\"") && bytes[i] == UInt8(ascii: "\\")) ? 2 : 1 }
                i += 1
                continue
            }
            if b == UInt8(ascii: "]") { return i + 1 < bytes.count && bytes[i + 1] == b ? i + 2 : i + 1 }
            i += 1
        }
        return nil
    }

    /// The key path of a header (`[a."b.c"]` is a, b.c), read by TOMLKit from the header alone.
    static func path(ofHeader header: String) -> [String]? {
        guard var table = try? TOMLTable(string: header) else { return nil }
        var path: [String] = []
        while table.keys.count == 1, let key = table.keys.first {
            path.append(key)
            guard let next = table[key]?.table else { break }
            table = next
        }
        return path.isEmpty ? nil : path
    }

    /// The tables of server `key` (`[mcp_servers.KEY]` and its own sub-tables such as `.env`).
    func serverSections(_ key: String) -> [Section] {
        (sections() ?? []).filter { $0.path.count >= 2 && $0.path[0] == "mcp_servers" && $0.path[1] == key }
    }

    var lineBreak: String { text.contains("\r\n") ? "\r\n" : "\n" }

    /// The text cut into pieces for `SpliceCheck`: each table (header to last line of content), and each line
    /// that is not blank outside the tables (root keys, comments). The tables of the servers in `changing` change.
    func pieces(changing: Set<String>) -> [SpliceCheck.Piece]? {
        guard let all = sections() else { return nil }
        var out: [SpliceCheck.Piece] = []
        func lines(_ range: Range<Int>) {
            var i = range.lowerBound
            while i < range.upperBound {
                var end = i
                while end < range.upperBound, bytes[end] != 0x0A { end += 1 }
                var content = end
                if content > i, bytes[content - 1] == 0x0D { content -= 1 }
                if bytes[i..<content].contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) {
                    out.append(SpliceCheck.Piece(range: i..<content, changes: false))
                }
                i = end + 1
            }
        }
        var cursor = 0
        for section in all {
            lines(cursor..<section.start)
            let server = section.path.count >= 2 && section.path[0] == "mcp_servers" && changing.contains(section.path[1])
            out.append(SpliceCheck.Piece(range: section.start..<section.contentEnd, changes: server))
            cursor = section.contentEnd
        }
        lines(cursor..<bytes.count)
        return out
    }

    /// The sub-tables of server `key` (`[mcp_servers.KEY.env]`…), as headers, in order: they go with it.
    func subTables(of key: String) -> [String] {
        serverSections(key).filter { $0.path.count > 2 }.map { "[" + $0.path.map(Self.key).joined(separator: ".") + "]" }
    }

    // MARK: Edits

    /// Writes `table` (a whole `[mcp_servers.KEY]` table, without a final line break) in place of server
    /// `key`'s tables, or after the last server table, or at the end. False when the document was not read.
    mutating func set(server key: String, to table: String) -> Bool {
        guard let all = sections() else { return false }
        let mine = all.filter { $0.path.count >= 2 && $0.path[0] == "mcp_servers" && $0.path[1] == key }
        if let first = mine.first {
            for section in mine.dropFirst().reversed() { removeSection(section) }
            bytes.replaceSubrange(first.start..<first.contentEnd, with: Array(table.utf8))
            return true
        }
        let nl = lineBreak
        if let last = all.filter({ $0.path.first == "mcp_servers" && $0.path.count >= 2 }).max(by: { $0.contentEnd < $1.contentEnd }) {
            bytes.insert(contentsOf: Array((nl + nl + table).utf8), at: last.contentEnd)
            return true
        }
        var tail = ""
        if !bytes.isEmpty && bytes.last != 0x0A { tail += nl }
        if !bytes.isEmpty { tail += nl }
        bytes.append(contentsOf: Array((tail + table + nl).utf8))
        return true
    }

    /// Removes server `key`'s tables. False when the document was not read.
    mutating func remove(server key: String) -> Bool {
        guard sections() != nil else { return false }
        for section in serverSections(key).reversed() { removeSection(section) }
        return true
    }

    /// Removes a table through its line break, and the blank lines after it when a blank line (or the start
    /// of the file) is already before it, so no run of blank lines is left behind.
    private mutating func removeSection(_ section: Section) {
        var end = section.contentEnd
        if end < bytes.count, bytes[end] == 0x0D { end += 1 }
        if end < bytes.count, bytes[end] == 0x0A { end += 1 }
        let blankBefore = section.start == 0 || (section.start >= 2 && bytes[section.start - 2] == 0x0A)
            || (section.start >= 3 && bytes[section.start - 3] == 0x0A && bytes[section.start - 2] == 0x0D)
        if blankBefore {
            while true {
                var j = end
                while j < bytes.count, bytes[j] == 0x20 || bytes[j] == 0x09 || bytes[j] == 0x0D { j += 1 }
                guard j < bytes.count, bytes[j] == 0x0A else { break }
                end = j + 1
            }
        }
        bytes.removeSubrange(section.start..<end)
    }

    // MARK: Rendering

    /// A key as TOML writes it: bare when it can be, else a quoted basic string.
    static func key(_ k: String) -> String {
        let bare = !k.isEmpty && k.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_") }
        return bare ? k : string(k)
    }

    /// A TOML basic string: quotes, backslashes and control characters escaped.
    static func string(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F: out += String(format: "\\u%04X", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// `[mcp_servers.KEY]` with one `name = value` line per member.
    static func render(server key: String, _ members: [ConfigMember], lineBreak nl: String = "\n") -> String {
        let lines = members.map { m -> String in
            switch m.value {
            case .string(let s): Self.key(m.name) + " = " + string(s)
            case .strings(let a): Self.key(m.name) + " = [" + a.map(string).joined(separator: ", ") + "]"
            }
        }
        return (["[mcp_servers." + Self.key(key) + "]"] + lines).joined(separator: nl)
    }
}
