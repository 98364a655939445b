import Canvas
import Foundation
import SwitchboardModel
import SwitchboardText

/// The "use my own client" form: the redirect URI to register, the client id, an optional secret.
enum ClientFormView {
    static func render(_ b: inout CellBuffer, _ form: ClientForm) {
        let r = Draw.formBox(&b, height: 14, title: "Use your own client for \(form.name)")
        let inner = r.width - 4
        var y = r.y + 1
        let intro = "For servers that refuse self-registration: register a client in the provider's dashboard with this redirect URI, then enter its id."
        for line in Draw.wrap(intro, width: inner) { b.put(line, x: r.x + 2, y: y, style: Style(dim: true)); y += 1 }
        y += 1
        b.put("Redirect URI".fitted(to: 14) + (form.redirectURI ?? (form.port.isEmpty ? "chosen when you press ⏎" : "—")),
              x: r.x + 2, y: y, style: .bold, maxWidth: inner)
        y += 2
        for field in ClientForm.Field.allCases {
            let (label, value): (String, String) = switch field {
            case .clientID: ("Client id", form.clientID)
            case .secret: ("Secret", form.secret.isEmpty && field != form.focus ? "(none: a public client)" : String(repeating: "•", count: min(form.secret.count, 40)))
            case .port: ("Port", form.port)
            }
            Draw.formField(&b, label: label, value: value, focused: field == form.focus, x: r.x + 2, y: y, width: inner)
            y += 1
        }
        y += 1
        if let error = form.error {
            for line in Draw.wrap("! " + error, width: inner) where y < r.maxY - 1 { b.put(line, x: r.x + 2, y: y, style: Style(color: .red)); y += 1 }
        }
    }
}
