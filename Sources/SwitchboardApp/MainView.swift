import Canvas
import Foundation
import SwitchboardModel
import SwitchboardText

/// `(state, size) -> CellBuffer`: the whole screen. Draws only the visible rows, so the cost follows the
/// terminal size, not the number of connections.
public enum MainView {
    /// `colors: false` (`NO_COLOR`): no colour at all, and a status that needs the person is bold instead.
    public static func render(_ state: AppState, timeZone: TimeZone = TimeFormat.utc, colors: Bool = true) -> CellBuffer {
        let buffer = draw(state, timeZone: timeZone, colors: colors)
        return colors ? buffer : buffer.withoutColor()
    }

    static func draw(_ state: AppState, timeZone: TimeZone, colors: Bool) -> CellBuffer {
        var buffer = CellBuffer(width: state.width, height: state.height)
        let layout = Layout(for: state)
        if layout.tooSmall {
            let lines = ["Terminal too small", "Switchboard needs at least \(Layout.minWidth)×\(Layout.minHeight);", "this one is \(state.width)×\(state.height).", "Enlarge the window, or press \(KeyMap.key(for: .quit) ?? "q") to quit."]
            for (i, line) in lines.enumerated() {
                buffer.put(line, x: max(0, (state.width - line.count) / 2), y: max(0, state.height / 2 - 2 + i), style: i == 0 ? .bold : .plain)
            }
            return buffer
        }
        header(&buffer, state, layout)
        list(&buffer, state, layout, colors: colors)
        detail(&buffer, state, layout, timeZone: timeZone)
        footer(&buffer, state, layout)
        switch state.panel {
        case .connect(let p): ConnectPanelView.render(&buffer, p, state: state, timeZone: timeZone)
        case .disconnect(let p): DisconnectPanelView.render(&buffer, p)
        case .add(let form): AddFormView.render(&buffer, form)
        case .client(let form): ClientFormView.render(&buffer, form)
        case .remove(let name): RemoveView.render(&buffer, name)
        case .signInAgain(let p): SignInAgainView.render(&buffer, p, timeZone: timeZone)
        case .help(let scroll): HelpView.render(&buffer, scroll: scroll)
        case .doctor(let p): DoctorView.render(&buffer, p)
        case .timeline(let p): TimelineView.render(&buffer, p, now: state.now, timeZone: timeZone, colors: colors)
        case nil: break
        }
        return buffer
    }

    static func columns(_ width: Int) -> (name: Int, url: Int, auth: Int, status: Int) {
        let name = 12, auth = 8, status = 24
        return (name, max(10, width - name - auth - status - 5), auth, status)
    }

    static func header(_ b: inout CellBuffer, _ state: AppState, _ layout: Layout) {
        let n = state.loadingTotals?.count ?? state.connections.count
        let attention = state.loadingTotals?.attention ?? state.needingAttention
        // While a filter hides rows, the count says how many of them show.
        let shown = state.loadingTotals == nil && !state.filter.isEmpty ? "\(state.visible.count) of " : ""
        // The filter's label keeps its place at the right; the title's parts go in while they fit, most important
        // first, so nothing is drawn cut (the refresh countdown used to run into the label).
        let label = state.filtering || !state.filter.isEmpty ? "filter: \(state.filter)\(state.filtering ? "▏" : "")" : nil
        let room = state.width - (label.map { $0.displayWidth + 2 } ?? 0)
        var title = " Switchboard ─ \(shown)\(n) connection\(n == 1 ? "" : "s")"
        var parts: [String] = []
        if attention > 0 { parts.append(" · \(attention) need\(attention == 1 ? "s" : "") attention") }
        if let next = state.nextRefresh, state.loadingTotals == nil {
            parts.append(next > state.now ? " · next refresh in " + StatusText.duration(next.timeIntervalSince(state.now)) : " · refresh due")
        }
        for part in parts {
            guard (title + part).displayWidth <= room else { break }
            title += part
        }
        b.put(title, x: 0, y: 0, style: .bold)
        if let label {
            b.put(label, x: max(0, state.width - label.displayWidth - 1), y: 0)
        }
        let c = columns(state.width)
        let head = " " + "NAME".fitted(to: c.name) + " " + "SERVER".fitted(to: c.url) + " " + "AUTH".fitted(to: c.auth) + " " + "STATUS"
        b.put(head, x: 0, y: 1, style: Style(dim: true))
    }

    static func list(_ b: inout CellBuffer, _ state: AppState, _ layout: Layout, colors: Bool) {
        let visible = state.visible
        let r = layout.list
        if visible.isEmpty {
            let text = state.connections.isEmpty
                ? ["No connections yet.", "",
                   "Press \(KeyMap.key(for: .add, in: KeyMap.emptyList) ?? "a") to add one: a name and its server's URL",
                   "(or `switchboard add NAME URL` on the command line).", "",
                   "To look around first, run `switchboard demo`."]
                : ["Nothing matches the filter “\(state.filter)”."]
            for (i, line) in text.enumerated() where i < r.height { b.put(line, x: 2, y: r.y + i + (r.height > 6 ? 1 : 0)) }
            return
        }
        let c = columns(state.width)
        let end = min(visible.count, state.scroll + r.height)
        guard state.scroll < end else { return }
        for index in state.scroll..<end {
            let conn = visible[index]
            let y = r.y + index - state.scroll
            let scheme = conn.primaryScheme
            // As it stands now: a token past its expiry is never shown connected, whatever the file says.
            let standing = scheme?.standing(at: state.now)
            let badge = scheme.map { standing!.badge(kind: $0.kind) } ?? "○ no scheme"
            // The whole timing ("18s ago, renews on use") where the row has room, else the time alone: the badge
            // already tells the lapses apart, and the detail pane says the rest.
            let room = state.width - (1 + c.name + 1 + c.url + 1 + c.auth + 1) - 16
            let full = standing?.timing(now: state.now) ?? ""
            let timing = full.displayWidth <= room ? full : standing?.shortTiming(now: state.now) ?? ""
            let base: Style = index == state.selected ? .selected : .plain
            // The badge's colour is part of the badge's text (or, without colour, bold when it needs the person).
            var badgeStyle = base
            if colors { badgeStyle.color = color(standing) } else if standing?.needsAttention == true { badgeStyle.bold = true }
            let badgeText = badge.truncated(to: min(16, c.status))
            // `⇄2` at the end of the server column when bridges serve the connection: the columns stay put.
            let marker = BridgeText.marker(state.bridges(for: conn).count)
            let urlWidth = marker.isEmpty ? c.url : max(1, c.url - marker.displayWidth - 1)
            let server = shorten(conn.serverURL.absoluteString, to: urlWidth).fitted(to: urlWidth) + (marker.isEmpty ? "" : " " + marker)
            let spans = [
                Span(" " + conn.name.fitted(to: c.name) + " " + server + " "
                     + (scheme?.kind.label.components(separatedBy: " ").first ?? "-").fitted(to: c.auth) + " ", base),
                Span(badgeText, badgeStyle),
                Span(String(repeating: " ", count: max(0, 16 - badgeText.displayWidth)) + timing, base),
            ]
            b.fill(Rect(x: 0, y: y, width: state.width, height: 1), with: Cell(style: base))
            b.put(spans, x: 0, y: y, maxWidth: state.width)
        }
    }

    static func color(_ standing: Standing?) -> Color {
        if let standing, standing.lapse != .none { return standing.needsAttention ? .red : .yellow }
        return switch standing?.status {
        case .connected?: .green
        case .refreshing?, .connecting?: .yellow
        case .expired?, .error?: .red
        default: .gray
        }
    }

    /// Keeps the host and the end of the path: `https://api.example.com/…/mcp`.
    static func shorten(_ url: String, to width: Int) -> String {
        guard url.displayWidth > width else { return url }
        let parts = url.components(separatedBy: "/")
        if parts.count > 4 {
            let candidate = parts[0...2].joined(separator: "/") + "/…/" + parts.last!
            if candidate.displayWidth <= width { return candidate }
        }
        return url.truncated(to: width)
    }

    static func detail(_ b: inout CellBuffer, _ state: AppState, _ layout: Layout, timeZone: TimeZone) {
        let r = layout.detail
        guard let c = state.selectedConnection else {
            Draw.box(&b, r, title: "Details")
            return
        }
        Draw.box(&b, r, title: c.name)
        guard let s = c.primaryScheme else { return }
        if s.kind.isOAuth {
            // The doctor is one key away from every OAuth connection's details.
            // A server that refused registration: the manual path is one key away too.
            // Key names from the key table (as every hint): never a literal that could drift from dispatch.
            let hint = (s.status.needsAttention ? " \(KeyMap.key(for: .manualClient) ?? "m") client ─" : "") + " \(KeyMap.key(for: .doctor) ?? "D") doctor "
            b.put(hint, x: r.maxX - 2 - hint.count, y: r.maxY - 1, style: Style(dim: true))
        }
        let lines = factLines(c, state: state, timeZone: timeZone, width: r.width)
        // The bridges' lines are kept for them below the rows (the pane grew by as many, when there was room).
        let serving = state.bridges(for: c)
        let bridgeLines = min(Layout.bridgeLines(serving.count), r.height - 2)
        let room = max(0, r.height - 2 - bridgeLines)
        // The pane grew as far as the list allows; what still does not fit is counted, never cut without a word.
        let shown = lines.count <= room ? lines : Array(lines.prefix(max(0, room - 1)))
        var y = r.y + 1
        for line in shown {
            if let label = line.label { b.put(label, x: r.x + 2, y: y, style: Style(dim: true)) }
            b.put(line.text, x: r.x + 13, y: y, style: line.alert ? Style(color: .red) : .plain)
            y += 1
        }
        if shown.count < lines.count, room > 0 {
            b.put("… \(lines.count - shown.count) more line\(lines.count - shown.count == 1 ? "" : "s"): enlarge the window, or run `switchboard show \(c.name)`",
                  x: r.x + 2, y: y, style: Style(dim: true), maxWidth: r.width - 4)
            y += 1
        }
        if bridgeLines > 0 { bridges(&b, serving, c, now: state.now, x: r.x + 2, y: y, width: r.width - 4, lines: bridgeLines) }
    }

    /// The selected connection's facts as the detail pane draws them, wrapped to its width: one entry per line,
    /// the label on a fact's first line. `Layout` sizes the pane from their count.
    static func factLines(_ c: Connection, state: AppState, timeZone: TimeZone, width: Int? = nil) -> [(label: String?, text: String, alert: Bool)] {
        guard let s = c.primaryScheme else { return [] }
        let inner = (width ?? state.width) - 4 - 11
        var out: [(label: String?, text: String, alert: Bool)] = []
        for fact in ConnectionFacts.facts(c, s, now: state.now, timeZone: timeZone, remedy: KeyMap.say) {
            for (i, line) in Draw.wrap(fact.value, width: inner).enumerated() {
                out.append((i == 0 ? fact.label : nil, line, fact.alert && fact.label != "status"))
            }
        }
        return out
    }

    /// The connection's live bridges as a small table: client, pid, since, requests, last error.
    static func bridges(_ b: inout CellBuffer, _ list: [BridgeRecord], _ c: Connection, now: Date, x: Int, y: Int, width: Int, lines: Int) {
        let dim = Style(dim: true)
        let inner = width - 11
        let errorWidth = max(4, inner - 20 - 7 - 9 - 8 - 4)
        func row(_ client: String, _ pid: String, _ since: String, _ requests: String) -> String {
            client.fitted(to: 20) + " " + pid.fitted(to: 7) + " " + since.fitted(to: 9) + " "
                + String(repeating: " ", count: max(0, 8 - requests.displayWidth)) + requests.truncated(to: 8) + " "
        }
        b.put("bridges", x: x, y: y, style: dim)
        b.put(row("CLIENT", "PID", "SINCE", "REQUESTS") + "LAST ERROR", x: x + 11, y: y, style: dim, maxWidth: inner)
        let shown = list.prefix(min(Layout.shownBridges, lines - 1))
        for (i, r) in shown.enumerated() {
            // Registry entries are other processes' words: filtered again here, whoever filled the state.
            let client = TerminalText.safe(r.clientLabel, limit: BridgeRecord.Limit.clientName + BridgeRecord.Limit.clientVersion + 1)
            let line = row(client.truncated(to: 20), "\(r.pid)", BridgeText.since(r, now: now), "\(r.requests)")
            let start = x + 11 + line.displayWidth
            b.put(line, x: x + 11, y: y + 1 + i, maxWidth: inner)
            if let error = r.lastError {
                b.put(TerminalText.safe(error, limit: BridgeRecord.Limit.lastError).truncated(to: errorWidth), x: start, y: y + 1 + i, style: Style(color: .red))
            } else {
                b.put("—", x: start, y: y + 1 + i, style: dim)
            }
        }
        if list.count > shown.count, lines > shown.count + 1 {
            b.put("… and \(list.count - shown.count) more: switchboard status \(c.name)", x: x + 11, y: y + 1 + shown.count, style: dim, maxWidth: inner)
        }
    }

    static func footer(_ b: inout CellBuffer, _ state: AppState, _ layout: Layout) {
        if let message = state.message {
            // One row: a message longer than the screen is marked cut (`…`), never cut silently.
            b.put((" " + message).truncated(to: state.width - 1), x: 0, y: layout.footer.y, maxWidth: state.width)
            return
        }
        // The table's hints in order; the last two (help, quit) always keep their place.
        let hints = KeyMap.table(for: state).compactMap(\.hint)
        let pinned = hints.count > 3 ? Array(hints.suffix(2)) : []
        let pinnedWidth = pinned.reduce(0) { $0 + $1.key.count + $1.label.count + 3 }
        var shown: [(key: String, label: String)] = []
        var used = 1
        for hint in hints.dropLast(pinned.count) {
            let w = hint.key.count + hint.label.count + 3
            guard used + w + pinnedWidth <= state.width + 2 else { continue }
            shown.append(hint)
            used += w
        }
        var x = 1
        for hint in shown + pinned {
            b.put(hint.key, x: x, y: layout.footer.y, style: .bold)
            b.put(" " + hint.label, x: x + hint.key.count, y: layout.footer.y)
            x += hint.key.count + hint.label.count + 3
        }
    }
}
