import Foundation

/// The string literals of a Swift source, for tests that read the sources: comments skipped, an
/// interpolation replaced by "…" (and the literals inside it listed on their own), raw and multi-line
/// strings understood well enough for this repository.
enum SwiftLiterals {
    static func strings(in source: String) -> [String] {
        var lexer = Lexer(chars: Array(source))
        lexer.code(depth: 0)
        return lexer.found
    }

    struct Lexer {
        let chars: [Character]
        var i = 0
        var found: [String] = []

        func at(_ s: String) -> Bool {
            var j = i
            for c in s {
                guard j < chars.count, chars[j] == c else { return false }
                j += 1
            }
            return true
        }

        /// Code until the parenthesis that closes an interpolation (depth > 0), or the end.
        mutating func code(depth start: Int) {
            var depth = start
            while i < chars.count {
                if at("//") {
                    while i < chars.count, chars[i] != "\n" { i += 1 }
                    continue
                }
                if at("/*") {
                    i += 2
                    while i < chars.count, !at("*/") { i += 1 }
                    i += 2
                    continue
                }
                var hashes = 0
                while i + hashes < chars.count, chars[i + hashes] == "#" { hashes += 1 }
                if i + hashes < chars.count, chars[i + hashes] == "\"" {
                    i += hashes
                    let multi = at("\"\"\"")
                    i += multi ? 3 : 1
                    found.append(string(multi: multi, hashes: hashes))
                    continue
                }
                if depth > 0 {
                    if chars[i] == "(" { depth += 1 }
                    if chars[i] == ")" {
                        depth -= 1
                        if depth == 0 { i += 1; return }
                    }
                }
                i += 1
            }
        }

        mutating func string(multi: Bool, hashes: Int) -> String {
            let end = (multi ? "\"\"\"" : "\"") + String(repeating: "#", count: hashes)
            let escape = "\\" + String(repeating: "#", count: hashes)
            var text = ""
            while i < chars.count {
                if at(end) { i += end.count; return text }
                if !multi, chars[i] == "\n" { return text }
                if at(escape) {
                    i += escape.count
                    if i < chars.count, chars[i] == "(" {
                        i += 1
                        code(depth: 1)
                        text += "…"
                    } else if i < chars.count {
                        text.append(chars[i]); i += 1
                    }
                    continue
                }
                text.append(chars[i]); i += 1
            }
            return text
        }
    }
}
