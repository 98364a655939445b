import Canvas
import Foundation
import SwitchboardModel
import SwitchboardText

/// `c` on a connected row: sign in again, or keep the working sign-in.
enum SignInAgainView {
    static func render(_ b: inout CellBuffer, _ p: SignInAgainPanel, timeZone: TimeZone) {
        let width = min(b.width - 4, 64)
        let until: String
        if case .connected(let exp?) = p.status { until = " (token until \(TimeFormat.clock(exp, in: timeZone)))" } else { until = "" }
        // Wrapped, and the box as tall as its text: the question was cut mid-sentence at 80×24.
        let said = Draw.wrap("\(p.name) is already connected\(until).", width: width - 4)
        let note = Draw.wrap("Signing in again replaces its tokens (as Reconnect, \(KeyMap.key(for: .reconnect) ?? "r")).", width: width - 4)
        let r = Rect(x: (b.width - width) / 2, y: 6, width: width, height: said.count + note.count + 4)
        Draw.box(&b, r, title: "Connect \(p.name)")
        var y = r.y + 1
        for line in said { b.put(line, x: r.x + 2, y: y); y += 1 }
        for line in note { b.put(line, x: r.x + 2, y: y, style: Style(dim: true)); y += 1 }
        b.put("Sign in again? y / N", x: r.x + 2, y: y + 1, style: .bold)
    }
}
