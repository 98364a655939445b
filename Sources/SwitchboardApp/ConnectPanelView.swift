import Canvas
import Foundation
import SwitchboardModel
import SwitchboardText

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
                if let tunnel = p.redirectURI.flatMap(SSHTunnel.command(redirectURI:)), y < r.maxY - 1 {
                    b.put("  " + tunnel, x: r.x + 2, y: y, style: .bold, maxWidth: inner); y += 1
                }
            }
        }
    }
}
