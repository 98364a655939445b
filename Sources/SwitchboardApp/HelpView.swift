import Canvas
import Foundation
import SwitchboardModel
import SwitchboardText

/// Every key, drawn from the same tables that dispatch them (keys without a footer hint too), one line each;
/// scrolls when the screen is short, and says where it is.
enum HelpView {
    static func frame(width: Int, height: Int) -> Rect {
        let w = min(width - 4, 76)
        return Rect(x: (width - w) / 2, y: 1, width: w, height: max(4, height - 2))
    }

    static func visibleLines(height: Int) -> Int { max(1, frame(width: 80, height: height).height - 3) }

    static func lines() -> [(text: String, title: Bool)] {
        var out: [(text: String, title: Bool)] = []
        for (title, rows) in KeyMap.helpSections {
            if !out.isEmpty { out.append(("", false)) }
            out.append((title, true))
            for row in rows { out.append(("  " + row.keys.fitted(to: 14) + " " + row.label, false)) }
        }
        return out
    }

    static func render(_ b: inout CellBuffer, scroll: Int) {
        let r = frame(width: b.width, height: b.height)
        Draw.box(&b, r, title: "Help")
        let all = lines()
        let rows = visibleLines(height: b.height)
        let first = min(max(0, scroll), max(0, all.count - rows))
        for (i, line) in all.dropFirst(first).prefix(rows).enumerated() {
            b.put(line.text.truncated(to: r.width - 4), x: r.x + 2, y: r.y + 1 + i, style: line.title ? .bold : .plain)
        }
        let position = "lines \(first + 1)–\(min(all.count, first + rows)) of \(all.count)"
        b.put(position, x: r.maxX - 3 - position.count, y: r.maxY - 2, style: Style(dim: true))
    }
}
