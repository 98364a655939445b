import Canvas
import Foundation
import SwitchboardModel
import SwitchboardText

/// The Add form's commands (typing goes to `formKey`).
func runAddForm(_ command: KeyCommand, _ form: inout AddForm, _ state: inout AppState) -> [AppEffect] {
    switch command {
    case .nextField: form.move(1)
    case .previousField: form.move(-1)
    case .cancel:
        state.panel = nil
        return []
    case .submit:
        do throws(InvalidInput) {
            _ = try form.request.validate()
            if state.connections.contains(where: { $0.isNamed(form.request.name) }) {
                throw InvalidInput("a connection named `\(form.request.name)` exists already; choose another name")
            }
            state.panel = .add(form)
            return [.addConnection(form.request)]
        } catch {
            form.error = error.message
        }
    default: break
    }
    state.panel = .add(form)
    return []
}

/// Typing in the Add form: characters go to the focused field; ←/→ or space change the kind.
func formKey(_ key: Key, _ form: inout AddForm, _ state: inout AppState) -> [AppEffect] {
    switch (key, form.focus) {
    case (.left, .kind): form.cycleKind(-1)
    case (.right, .kind), (.char(" "), .kind): form.cycleKind(1)
    case (.backspace, _), (.delete, _): form.edit { if !$0.isEmpty { $0.removeLast() } }
    case (.char(let ch), _) where form.focus != .kind: form.edit { $0.append(ch) }
    default: break
    }
    state.panel = .add(form)
    return []
}
