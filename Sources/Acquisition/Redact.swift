import Foundation
import SwitchboardCore

/// Keeps secrets out of messages: query strings can carry codes and tokens, so they are dropped.
public enum Redact {
    /// A URL without its query and fragment.
    public static func url(_ url: URL) -> String {
        guard var c = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return "(a URL)" }
        let hadQuery = c.query != nil
        c.query = nil
        c.fragment = nil
        c.user = nil
        c.password = nil
        return (c.string ?? "(a URL)") + (hadQuery ? "?…" : "")
    }

    /// Text from a server, made safe to show: one line, controls shown (`^[`, `<U+202E>`), bounded.
    public static func serverText(_ text: String, limit: Int = 200) -> String {
        TerminalText.safe(text, limit: limit)
    }
}
