import Canvas
import Foundation
import SwitchboardModel
import SwitchboardText

/// The doctor: discovery replayed without signing in. Scrolls; never holds a secret (the report has none).
enum DoctorView {
    static func render(_ b: inout CellBuffer, _ p: DoctorPanel) {
        let r = DoctorPanel.frame(width: b.width, height: b.height)
        Draw.box(&b, r, title: "Doctor: \(p.name)")
        let inner = r.width - 4
        guard p.lines != nil else {
            b.put("Replaying discovery (no sign-in, nothing is stored)…", x: r.x + 2, y: r.y + 1, style: Style(dim: true), maxWidth: inner)
            return
        }
        let lines = p.displayLines(width: inner)
        let rows = DoctorPanel.visibleLines(height: b.height)
        let shown = lines.dropFirst(p.scroll).prefix(rows)
        for (i, line) in shown.enumerated() {
            let style: Style = line.hasPrefix("✕") ? Style(color: .red) : (!line.hasPrefix(" ") && !line.isEmpty) ? .bold : .plain
            b.put(line, x: r.x + 2, y: r.y + 1 + i, style: style, maxWidth: inner)
        }
        if lines.count > rows {
            let position = "lines \(p.scroll + 1)–\(p.scroll + shown.count) of \(lines.count)"
            b.put(position, x: r.maxX - 3 - position.count, y: r.maxY - 2, style: Style(dim: true))
        }
    }
}
