import Foundation
import SwitchboardCore

/// Parses `WWW-Authenticate` headers: several challenges per header, quoted or bare values,
/// case-insensitive schemes and names. Malformed input yields what could be read, never a crash.
public enum WWWAuthenticate {
    public static func parse(_ headers: [String]) -> [AuthChallenge] { headers.flatMap(parse) }

    public static func bearer(in headers: [String]) -> AuthChallenge? {
        parse(headers).first { $0.scheme == "bearer" }
    }

    public static func parse(_ header: String) -> [AuthChallenge] {
        var s = Scanner(Array(header.unicodeScalars))
        var out: [AuthChallenge] = []
        while true {
            s.skip { $0 == " " || $0 == "\t" || $0 == "," }
            guard !s.atEnd else { break }
            let scheme = s.token()
            guard !scheme.isEmpty else { s.advance(); continue }
            var challenge = AuthChallenge(scheme: scheme.lowercased(), parameters: [:], token68: nil)
            var first = true
            while true {
                let save = s.index
                s.skip { $0 == " " || $0 == "\t" }
                if !first {
                    // Parameters are separated by commas; anything else ends this challenge.
                    guard s.peek == "," else { s.index = save; break }
                    s.skip { $0 == "," || $0 == " " || $0 == "\t" }
                }
                if let (name, value) = s.param() {
                    if challenge.parameters[name] == nil { challenge.parameters[name] = value }
                } else if first, let t = s.token68() {
                    challenge.token68 = t
                } else {
                    s.index = save
                    break
                }
                first = false
            }
            out.append(challenge)
        }
        return out
    }

    private struct Scanner {
        let chars: [Unicode.Scalar]
        var index = 0
        init(_ chars: [Unicode.Scalar]) { self.chars = chars }
        var atEnd: Bool { index >= chars.count }
        var peek: Unicode.Scalar? { atEnd ? nil : chars[index] }
        mutating func advance() { index += 1 }
        mutating func skip(_ p: (Unicode.Scalar) -> Bool) { while let c = peek, p(c) { index += 1 } }

        static let tchar = Set("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ/:".unicodeScalars)

        mutating func token() -> String {
            var out = String.UnicodeScalarView()
            while let c = peek, Scanner.tchar.contains(c) { out.append(c); index += 1 }
            return String(out)
        }

        /// `name = (token | quoted-string)`, or nil with the position unchanged.
        mutating func param() -> (String, String)? {
            let save = index
            let name = token()
            skip { $0 == " " || $0 == "\t" }
            guard !name.isEmpty, peek == "=" else { index = save; return nil }
            advance()
            skip { $0 == " " || $0 == "\t" }
            if peek == "\"" { return (name.lowercased(), quoted()) }
            let value = token()
            guard !value.isEmpty else { index = save; return nil }
            return (name.lowercased(), value)
        }

        static let t68 = Set("-._~+/0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".unicodeScalars)

        mutating func token68() -> String? {
            let save = index
            var out = String.UnicodeScalarView()
            while let c = peek, Scanner.t68.contains(c) { out.append(c); index += 1 }
            while peek == "=" { out.append("="); index += 1 }
            guard !out.isEmpty, atEnd || peek == "," || peek == " " || peek == "\t" else { index = save; return nil }
            return String(out)
        }

        mutating func quoted() -> String {
            advance() // opening quote
            var out = String.UnicodeScalarView()
            while let c = peek {
                index += 1
                if c == "\"" { break }
                if c == "\\", let next = peek { out.append(next); index += 1; continue }
                out.append(c)
            }
            return String(out)
        }
    }
}
