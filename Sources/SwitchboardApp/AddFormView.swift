import Canvas
import Foundation
import SwitchboardModel
import SwitchboardText

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
