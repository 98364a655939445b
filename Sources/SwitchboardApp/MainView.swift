import Canvas
import Foundation
import SwitchboardCore

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
            let lines = ["Terminal too small", "Switchboard needs at least \(Layout.minWidth)×\(Layout.minHeight);", "this one is \(state.width)×\(state.height).", "Enlarge the window, or press q to quit."]
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
        case .help: HelpView.render(&buffer)
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
            let badge = scheme.map { StatusText.badge($0.status, kind: $0.kind) } ?? "○ no scheme"
            let timing = scheme.map { StatusText.timing($0.status, now: state.now) } ?? ""
            let base: Style = index == state.selected ? .selected : .plain
            // The badge's colour is part of the badge's text (or, without colour, bold when it needs the person).
            var badgeStyle = base
            if colors { badgeStyle.color = color(scheme?.status) } else if scheme?.status.needsAttention == true { badgeStyle.bold = true }
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

    static func color(_ status: SchemeStatus?) -> Color {
        switch status {
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
            let hint = (s.status.needsAttention ? " m client ─" : "") + " D doctor "
            b.put(hint, x: r.maxX - 2 - hint.count, y: r.maxY - 1, style: Style(dim: true))
        }
        var rows: [(String, String)] = []
        let badge = StatusText.badge(s.status, kind: s.kind)
        let timing = StatusText.timing(s.status, now: state.now)
        rows.append(("status", badge + (timing.isEmpty ? "" : "  " + timing)))
        // The MCP era the server answered in rides on the server row, so it shows even on a small screen.
        rows.append(("server", c.serverURL.absoluteString + (s.info.mcpEra.map { " · MCP " + StatusText.era($0) } ?? "")))
        if s.kind.isOAuth {
            rows.append(("issuer", s.info.issuer ?? "—"))
            let client = s.info.clientID ?? s.clientID
            rows.append(("client", client.map { $0.truncated(to: 28) } ?? "—"))
            let scopes = s.info.grantedScopes.isEmpty ? s.scopes : s.info.grantedScopes
            rows.append(("scopes", scopes.isEmpty ? "—" : scopes.joined(separator: " ")))
        }
        // Unusually short tokens explain a countdown that keeps jumping back: said on the expiry row (no extra
        // row, so the refresh row below stays on a small screen).
        if case .connected(let exp?) = s.status {
            rows.append(("expires", TimeFormat.clock(exp, in: timeZone) + (StatusText.shortLifetimeTag(s.info.tokenLifetime).map { " · " + $0 } ?? "")))
        }
        // One row: the last refresh ("4m ago (rotated)"; a failure says whether it will be retried or gave up) and the next.
        var refresh: [String] = []
        if let at = s.info.lastRefreshAt {
            let result: String
            switch (s.info.lastRefreshResult, s.status) {
            case ("failed", .expired): result = "failed, gave up: reconnect"
            case ("failed", _): result = "failed, will retry"
            case (_, _) where s.info.lastRefreshRotated == true: result = "rotated"
            default: result = s.info.lastRefreshResult ?? "?"
            }
            refresh.append("last \(StatusText.duration(max(0, state.now.timeIntervalSince(at)))) ago (\(result))")
        }
        if s.kind.isOAuth, case .connected(let exp?) = s.status {
            let due = RefreshPolicy.nextRefresh(expiresAt: exp, lifetime: s.info.tokenLifetime)
            refresh.append(due > state.now ? "next in " + StatusText.duration(due.timeIntervalSince(state.now)) : "next due now")
        }
        if !refresh.isEmpty { rows.append(("refresh", refresh.joined(separator: " · "))) }
        if let check = s.info.lastCheck { rows.append(("tested", check)) }
        switch s.status {
        case .error(let m, let remedy):
            rows.append(("error", m))
            if let remedy { rows.append(("remedy", remedy)) }
        case .expired(let reason, _):
            rows.append(("expired", reason))
            rows.append(("remedy", "press r to reconnect"))
        default: break
        }
        let width = r.width - 4 - 11
        // The bridges' lines are kept for them below the rows (the pane grew by as many, when there was room).
        let serving = state.bridges(for: c)
        let bridgeLines = min(Layout.bridgeLines(serving.count), r.height - 2)
        var y = r.y + 1
        drawing: for (label, value) in rows {
            for (i, line) in Draw.wrap(value, width: width).enumerated() {
                guard y < r.maxY - 1 - bridgeLines else { break drawing }
                if i == 0 { b.put(label, x: r.x + 2, y: y, style: Style(dim: true)) }
                b.put(line, x: r.x + 13, y: y, style: label == "error" ? Style(color: .red) : .plain)
                y += 1
            }
        }
        if bridgeLines > 0 { bridges(&b, serving, c, now: state.now, x: r.x + 2, y: y, width: r.width - 4, lines: bridgeLines) }
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
            b.put(" " + message, x: 0, y: layout.footer.y, maxWidth: state.width)
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
