import Foundation

/// POSIX shell quoting, for commands Switchboard writes into other programs' configuration.
public enum ShellQuote {
    /// `text` as one shell word: bare when it holds only safe characters, else in single quotes
    /// (a single quote inside becomes `'\''`).
    public static func word(_ text: String) -> String {
        let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@%+=:,./_-")
        if !text.isEmpty, text.allSatisfy({ safe.contains($0) }) { return text }
        return "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    public static func command(_ words: [String]) -> String { words.map(word).joined(separator: " ") }
}
