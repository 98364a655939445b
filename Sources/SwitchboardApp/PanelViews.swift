import Canvas
import Foundation
import SwitchboardCore

/// The Connect / Reconnect panel: a checklist that fills in as events arrive.
enum ConnectPanelView {
    static func render(_ b: inout CellBuffer, _ p: ConnectPanel, state: AppState, timeZone: TimeZone) {
        let width = min(b.width - 4, 76), height = min(b.height - 2, 22)
        let r = Rect(x: (b.width - width) / 2, y: 1, width: width, height: height)
        Draw.box(&b, r, title: (p.reconnect ? "Reconnect " : "Connect ") + p.name)
        var y = r.y + 1
        let inner = r.width - 4
        for step in ConnectPanel.Step.allCases {
            guard y < r.maxY - 1 else { break }
            let mark: String
            if var note = p.done[step] {
                if step == .connected, let until = p.connectedUntil { note = "until " + TimeFormat.clock(until, in: timeZone) }
                mark = "✓ " + step.label + (note.isEmpty ? "" : "  " + note)
            } else if p.failure != nil && step == p.current {
                mark = "✕ " + step.label
            } else if step == p.current && !p.finished {
                mark = "◌ " + step.label + (step == .browser ? " (waiting)" : "…")
            } else {
                mark = "  " + step.label
            }
            b.put(mark.truncated(to: inner), x: r.x + 2, y: y, style: p.done[step] != nil ? .plain : Style(dim: step != p.current))
            y += 1
        }
        y += 1
        // Said at Connect: a token without a refresh token ends at its expiry (the reload after the sign-in
        // brings what the engine recorded).
        if p.finished, p.failure == nil,
           state.connections.first(where: { $0.primaryScheme?.id == p.schemeID })?.primaryScheme?.info.renewable == false {
            let until = p.connectedUntil.map { " at " + TimeFormat.clock($0, in: timeZone) } ?? ""
            for line in Draw.wrap("No refresh token: the token ends\(until); then sign in again (\(KeyMap.key(for: .reconnect) ?? "r")).", width: inner) where y < r.maxY - 1 {
                b.put(line, x: r.x + 2, y: y, style: .bold); y += 1
            }
        }
        if let failure = p.failure {
            for line in Draw.wrap("! " + failure.message, width: inner) where y < r.maxY - 1 {
                b.put(line, x: r.x + 2, y: y, style: Style(color: .red, bold: true)); y += 1
            }
            // The remedy in keys from the tables; several steps (one per case) each on their own, hanging.
            let steps = failure.remedies.count > 1 ? failure.remedies.map { [$0] } : [failure.remedies]
            for step in steps where !step.isEmpty {
                let bullet = steps.count > 1 ? "• " : ""
                let text = RemedyStep.say(step, with: KeyMap.say)
                for (i, line) in Draw.wrap(text, width: inner - bullet.count).enumerated() where y < r.maxY - 1 {
                    b.put((i == 0 ? bullet : String(repeating: " ", count: bullet.count)) + line, x: r.x + 2, y: y); y += 1
                }
            }
        } else if let device = p.deviceCode, p.done[.browser] == nil {
            b.put("On any device, open \(device.uri)", x: r.x + 2, y: y, maxWidth: inner); y += 1
            b.put("and enter the code:  \(device.user)", x: r.x + 2, y: y, style: .bold, maxWidth: inner); y += 1
            if let complete = device.complete { b.put("(or open \(complete))".truncated(to: inner), x: r.x + 2, y: y, style: Style(dim: true)); y += 1 }
            b.put("Waiting for approval… (\(KeyMap.key(for: .useBrowser, in: KeyMap.connect) ?? "b"): use the browser instead)", x: r.x + 2, y: y, style: Style(dim: true), maxWidth: inner)
        } else if let url = p.authorizationURL, p.done[.browser] == nil {
            if let remote = state.remote {
                b.put("Remote session (\(remote)): sign in from any browser:".truncated(to: inner), x: r.x + 2, y: y); y += 1
            } else {
                b.put("Sign in in your browser. If it did not open, visit:", x: r.x + 2, y: y); y += 1
            }
            let urlLines = Draw.wrap(url, width: inner)
            let room = max(1, r.maxY - 1 - y - (state.remote != nil ? 4 : 0))
            for line in urlLines.prefix(room) { b.put(line, x: r.x + 2, y: y, style: Style(color: .cyan)); y += 1 }
            if state.remote != nil || p.pasting {
                if p.pasting {
                    b.put("Address the browser ended on:", x: r.x + 2, y: y); y += 1
                    b.put((String(p.pasteText.suffix(inner - 1)) + "▏"), x: r.x + 2, y: y, style: .bold); y += 1
                    if let e = p.pasteError {
                        for line in Draw.wrap("! " + e, width: inner) where y < r.maxY - 2 { b.put(line, x: r.x + 2, y: y, style: Style(color: .red)); y += 1 }
                    }
                } else {
                    b.put("Then press \(KeyMap.key(for: .paste, in: KeyMap.connect) ?? "p") and paste the address your browser ended on", x: r.x + 2, y: y, maxWidth: inner); y += 1
                    b.put("(\(p.redirectURI ?? "http://127.0.0.1:…/callback")?code=…), or forward the port:".truncated(to: inner), x: r.x + 2, y: y); y += 1
                }
                if let tunnel = p.redirectURI.flatMap(RemoteSession.tunnel(redirectURI:)), y < r.maxY - 1 {
                    b.put("  " + tunnel, x: r.x + 2, y: y, style: .bold, maxWidth: inner); y += 1
                }
            }
        }
    }
}

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

/// The Add form.
enum AddFormView {
    static func render(_ b: inout CellBuffer, _ form: AddForm) {
        let r = Draw.formBox(&b, height: 13, title: "Add a connection")
        let inner = r.width - 4
        var y = r.y + 2
        for field in form.fields {
            let (label, value): (String, String) = switch field {
            case .name: ("Name", form.name)
            case .url: ("Server URL", form.url)
            case .kind: ("Scheme", "‹ \(form.kind.rawValue) ›")
            case .clientID: ("Client id", form.clientID)
            case .token: ("Token", String(repeating: "•", count: min(form.token.count, 40)))
            }
            Draw.formField(&b, label: label, value: value, focused: field == form.focus, cursor: field != .kind, x: r.x + 2, y: y, width: inner)
            y += 1
        }
        y += 1
        let hint: String = switch form.kind {
        case .oauthDynamic: "Discovery and dynamic registration; press \(KeyMap.key(for: .connect) ?? "c") on the new row to sign in."
        case .oauthManual: "A client you registered in the provider's dashboard."
        case .bearer: "A static token, stored 0600; it is never shown."
        case .none: "No authorization."
        }
        for line in Draw.wrap(hint, width: inner) where y < r.maxY - 2 { b.put(line, x: r.x + 2, y: y, style: Style(dim: true)); y += 1 }
        if let error = form.error {
            for line in Draw.wrap("! " + error, width: inner) where y < r.maxY - 1 { b.put(line, x: r.x + 2, y: y, style: Style(color: .red)); y += 1 }
        }
    }
}

/// Remove: y/N.
enum RemoveView {
    static func render(_ b: inout CellBuffer, _ name: String) {
        let width = min(b.width - 4, 60)
        let r = Rect(x: (b.width - width) / 2, y: 6, width: width, height: 6)
        Draw.box(&b, r, title: "Remove \(name)")
        b.put("Remove the connection and delete its stored secrets?", x: r.x + 2, y: r.y + 1, maxWidth: r.width - 4)
        b.put("(Disconnect first to revoke the tokens at the server.)", x: r.x + 2, y: r.y + 2, style: Style(dim: true), maxWidth: r.width - 4)
        b.put("Remove? y / N", x: r.x + 2, y: r.y + 4, style: .bold)
    }
}

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

/// The help's lines as text (for tests and `switchboard help keys`-style listings).
public enum HelpLines {
    public static var all: [String] { HelpView.lines().map(\.text) }
}
