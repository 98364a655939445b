import Foundation
import SwitchboardModel

/// How live bridges read for people, on the screen and in `status` and `show` alike. Every text from a
/// registry entry is already bounded and made safe (`BridgeRecord.bounded`); these only arrange it.
public enum BridgeText {
    /// `⇄2`: how many bridges serve a connection; empty for none. (A glyph and a number: it reads without colour.)
    public static func marker(_ count: Int) -> String { count > 0 ? "⇄\(count)" : "" }

    /// `started 12m ago`.
    public static func since(_ r: BridgeRecord, now: Date) -> String {
        StatusText.duration(max(0, now.timeIntervalSince(r.startedAt))) + " ago"
    }

    /// `1 request`, `1204 requests`.
    public static func requests(_ n: Int) -> String { "\(n) request\(n == 1 ? "" : "s")" }

    /// `Claude Desktop 0.9.2 · pid 4242 · started 12m ago · 1204 requests`.
    public static func summary(_ r: BridgeRecord, now: Date) -> String {
        "\(r.clientLabel) · pid \(r.pid) · started \(since(r, now: now)) · \(requests(r.requests))"
    }

    /// `last error 3m ago: HTTP 502 from the server`, or nil when the bridge has had none.
    public static func lastError(_ r: BridgeRecord, now: Date) -> String? {
        guard let error = r.lastError else { return nil }
        let when = r.lastErrorAt.map { " " + StatusText.duration(max(0, now.timeIntervalSince($0))) + " ago" } ?? ""
        return "last error\(when): \(error)"
    }
}
