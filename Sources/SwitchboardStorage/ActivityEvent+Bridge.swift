import Foundation
import SwitchboardModel
import SwitchboardText

/// The journal's entries about bridges, made from their registry records.
extension ActivityEvent {
    /// A bridge's event, with its client and request count from its registry record; `reason` for `bridgeFailed`.
    public static func bridge(_ kind: Kind, _ record: BridgeRecord, at: Date, reason: String? = nil) -> ActivityEvent {
        let r = record.bounded()
        return ActivityEvent(kind, at: at, scheme: r.scheme, connection: r.connection) { e in
            e.by = "bridge"
            e.clientName = r.clientName
            e.clientVersion = r.clientVersion
            if kind != .bridgeStarted { e.requests = r.requests }
            e.reason = reason.map { TerminalText.safe($0, limit: BridgeRecord.Limit.lastError) }
        }
    }
}
