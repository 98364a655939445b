import Foundation
import SwitchboardModel
import SwitchboardText

/// A bridge's registry record as read from or written to its file: the files are other processes' words.
extension BridgeRecord {
    /// The record with every text bounded and made safe for a terminal (`TerminalText.safe`: controls,
    /// C1 and bidi characters shown as visible text), and counters that make sense. Applied when a bridge
    /// writes its entry and again when any process reads one: the files are other processes' words.
    public func bounded() -> BridgeRecord {
        func clean(_ text: String?, _ limit: Int) -> String? {
            guard let text else { return nil }
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            return trimmed.isEmpty ? nil : TerminalText.safe(trimmed, limit: limit)
        }
        var r = self
        r.scheme = TerminalText.safe(scheme, limit: Limit.name)
        r.connection = TerminalText.safe(connection, limit: Limit.name)
        r.clientName = clean(clientName, Limit.clientName)
        r.clientVersion = clean(clientVersion, Limit.clientVersion)
        r.lastError = clean(lastError, Limit.lastError)
        r.requests = max(0, requests)
        return r
    }
}
