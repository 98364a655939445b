import Canvas
import Foundation
import SwitchboardModel
import SwitchboardText

/// The activity timeline: newest first, one line per event, a glyph that tells a retried failure (⟳) from
/// one that gave up (✕). Updates while open.
enum TimelineView {
    static func render(_ b: inout CellBuffer, _ p: TimelinePanel, now: Date, timeZone: TimeZone, colors: Bool) {
        let r = DoctorPanel.frame(width: b.width, height: b.height)
        Draw.box(&b, r, title: "Activity: \(p.name)")
        let inner = r.width - 4
        guard let events = p.events else {
            b.put("Reading the activity journal…", x: r.x + 2, y: r.y + 1, style: Style(dim: true))
            return
        }
        b.put("newest first · \(events.count) event\(events.count == 1 ? "" : "s")", x: r.x + 2, y: r.y + 1, style: Style(dim: true), maxWidth: inner)
        if events.isEmpty {
            for (i, line) in ["Nothing recorded yet.", "", "Sign-ins, refreshes (by any Switchboard process: this screen, `switchboard token`",
                              "run by another program, `refresh`, …), failures and disconnects show here", "as they happen. `switchboard log` prints the same."].enumerated() where r.y + 3 + i < r.maxY - 1 {
                b.put(line, x: r.x + 2, y: r.y + 3 + i, maxWidth: inner)
            }
            return
        }
        let rows = TimelinePanel.visibleRows(height: b.height)
        for (i, e) in events.dropFirst(p.scroll).prefix(rows).enumerated() {
            let glyph = ActivityText.glyph(e)
            var glyphStyle = Style.plain
            switch glyph {
            case "●": glyphStyle.color = .green
            case "⟳": glyphStyle.color = .yellow
            case "✕": glyphStyle.color = .red; if !colors { glyphStyle.bold = true }
            default: glyphStyle.color = .cyan
            }
            let when = (StatusText.duration(max(0, now.timeIntervalSince(e.at))) + " ago").fitted(to: 9)
            b.put([Span(ActivityText.time(e.at, timeZone) + " ", Style(dim: true)), Span(when + " ", Style(dim: true)),
                   Span(glyph + " ", glyphStyle), Span(ActivityText.describe(e, timeZone: timeZone).truncated(to: max(1, inner - 21)))],
                  x: r.x + 2, y: r.y + 2 + i, maxWidth: inner)
        }
        if events.count > rows {
            let more = " \(p.scroll + 1)–\(min(events.count, p.scroll + rows)) of \(events.count) "
            b.put(more, x: r.maxX - 2 - more.count, y: r.maxY - 1, style: Style(dim: true))
        }
    }
}
