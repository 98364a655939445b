
/// Small drawing helpers shared by views.
public enum Draw {
    /// A form's box: at most 70 cells wide, centred, three rows from the top, with `title`. Returns its rect.
    public static func formBox(_ buffer: inout CellBuffer, height: Int, title: String) -> Rect {
        let width = min(buffer.width - 4, 70)
        let r = Rect(x: (buffer.width - width) / 2, y: 3, width: width, height: height)
        box(&buffer, r, title: title)
        return r
    }

    /// One row of a form: `▸ Label` (bold when focused), then the value's tail with a cursor when focused,
    /// in a row `width` cells wide starting at `x`.
    public static func formField(_ buffer: inout CellBuffer, label: String, value: String, focused: Bool, cursor: Bool = true,
                                 x: Int, y: Int, width: Int) {
        buffer.put((focused ? "▸ " : "  ") + label.fitted(to: 12), x: x, y: y, style: focused ? .bold : .plain)
        buffer.put(String((value + (focused && cursor ? "▏" : "")).suffix(width - 14)), x: x + 14, y: y)
    }

    /// A single-line box with a title in its top border.
    public static func box(_ buffer: inout CellBuffer, _ rect: Rect, title: String? = nil, style: Style = .plain) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        buffer.fill(rect)
        let top = rect.y, bottom = rect.maxY - 1, left = rect.x, right = rect.maxX - 1
        for x in (left + 1)..<right {
            buffer[x, top] = Cell("─", style: style)
            buffer[x, bottom] = Cell("─", style: style)
        }
        for y in (top + 1)..<bottom {
            buffer[left, y] = Cell("│", style: style)
            buffer[right, y] = Cell("│", style: style)
        }
        buffer[left, top] = Cell("┌", style: style)
        buffer[right, top] = Cell("┐", style: style)
        buffer[left, bottom] = Cell("└", style: style)
        buffer[right, bottom] = Cell("┘", style: style)
        if let title { buffer.put(" \(title) ", x: left + 2, y: top, style: .bold, maxWidth: rect.width - 4) }
    }

    /// Wraps text into lines of at most `width` columns, breaking at spaces.
    public static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = []
        // Columns, not characters: a wide glyph takes two (the pane's edge is counted in columns too).
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = "", used = 0
            for word in paragraph.split(separator: " ") {
                var w = String(word), ww = w.displayWidth
                while ww > width {
                    if !line.isEmpty { lines.append(line); line = ""; used = 0 }
                    var head = "", headWidth = 0
                    for ch in w {
                        let cw = DisplayWidth.of(ch)
                        if headWidth + cw > width { break }
                        head.append(ch)
                        headWidth += cw
                    }
                    if head.isEmpty { head = String(w.first!) }
                    lines.append(head)
                    w = String(w.dropFirst(head.count))
                    ww = w.displayWidth
                }
                if line.isEmpty {
                    line = w; used = ww
                } else if used + 1 + ww <= width {
                    line += " " + w; used += 1 + ww
                } else {
                    lines.append(line)
                    line = w; used = ww
                }
            }
            lines.append(line)
        }
        return lines
    }
}
