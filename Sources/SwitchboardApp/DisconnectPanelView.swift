import Canvas
import Foundation
import SwitchboardModel
import SwitchboardText

/// Disconnect: what will happen, y/N, then the result.
enum DisconnectPanelView {
    static func render(_ b: inout CellBuffer, _ p: DisconnectPanel) {
        let width = min(b.width - 4, 64)
        let r = Rect(x: (b.width - width) / 2, y: 4, width: width, height: 10)
        Draw.box(&b, r, title: "Disconnect \(p.name)")
        let inner = r.width - 4
        var lines: [String]
        switch p.phase {
        case .confirm:
            lines = [p.revokes ? "• revoke the tokens at the authorization server" : "• the server offers no revocation: nothing to revoke",
                     "• delete the tokens from this machine",
                     "• keep the client registration (Reconnect skips registering)", "", "Disconnect? y / N"]
        case .running: lines = ["Disconnecting…"]
        case .done(let result): lines = Draw.wrap(result, width: inner) + ["", "Press \(KeyMap.key(for: .close, in: KeyMap.disconnectFinished) ?? "⏎") to close."]
        }
        for (i, line) in lines.enumerated() where r.y + 1 + i < r.maxY - 1 {
            b.put(line.truncated(to: inner), x: r.x + 2, y: r.y + 1 + i, style: line.hasPrefix("Disconnect?") ? .bold : .plain)
        }
    }
}
