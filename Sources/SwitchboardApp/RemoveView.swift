import Canvas
import Foundation
import SwitchboardModel
import SwitchboardText

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
