import Canvas
import Foundation
import SwitchboardModel
import SwitchboardText

/// The only code that changes `AppState`. Pure: time arrives as `.tick`, results as actions.
public func reduce(_ state: inout AppState, _ action: AppAction) -> [AppEffect] {
    switch action {
    case .tick(let now):
        state.now = now
        return []
    case .connectionsLoaded(let list):
        state.connections = merged(list, keeping: state.connections)
        state.loadingTotals = nil
        if let name = state.selectAfterLoad, let index = state.visible.firstIndex(where: { $0.name == name }) {
            state.selected = index
            state.selectAfterLoad = nil
        }
        clampSelection(&state)
        return []
    case .acquisition(let update):
        return apply(update, to: &state)
    case .pasteFinished(let error):
        if case .connect(var p) = state.panel {
            p.pasteError = error
            if error == nil { p.pasting = false; p.pasteText = "" }
            state.panel = .connect(p)
        }
        return []
    case .doctorFinished(let name, let lines):
        if case .doctor(var p) = state.panel, p.name == name {
            p.lines = lines
            p.scroll = 0
            state.panel = .doctor(p)
        }
        return []
    case .checkFinished(let name, let summary):
        state.message = "\(name): \(summary)"
        return [.reload]
    case .addFinished(let error):
        if case .add(var form) = state.panel {
            if let error {
                form.error = error
                state.panel = .add(form)
            } else {
                state.panel = nil
                state.message = "Added \(form.name). Press \(KeyMap.key(for: .connect) ?? "c") to connect."
                // The new row is selected once it is loaded, so `c` connects it (and not the row selected before).
                state.filter = ""
                state.selectAfterLoad = form.name
                return [.reload]
            }
        }
        return []
    case .activityLoaded(let schemeID, let events):
        if case .timeline(var p) = state.panel, p.schemeID == schemeID {
            let newestFirst = Array(events.reversed())
            // Scrolled down, the rows in view stay in view as new events arrive on top.
            if p.scroll > 0, let old = p.events, let top = old.first, let at = newestFirst.firstIndex(of: top) { p.scroll += at }
            p.events = newestFirst
            state.panel = .timeline(p)
        }
        return []
    case .activityChanged:
        if case .timeline(let p) = state.panel { return [.loadActivity(schemeID: p.schemeID)] }
        return []
    case .notice(let text):
        state.message = text
        return []
    case .setClientFinished(let error):
        return clientFormFinished(error, &state)
    case .bridgesLoaded(let list):
        state.bridges = list
        // The detail pane grows with the selected connection's bridges, so the list's height may change.
        clampSelection(&state)
        return []
    case .keyPressed(let key):
        if case .resize(let w, let h) = key {
            state.width = w
            state.height = h
            clampSelection(&state)
            return []
        }
        // Ctrl-C quits from anywhere, as it does in every terminal program (and as the help says): the forms,
        // the paste field and the filter take typing, never this.
        if key == .ctrl("c") {
            state.quitting = true
            return [.quit]
        }
        if state.filtering { return filterKey(key, &state) }
        if case .connect(var p) = state.panel, p.pasting, KeyMap.command(for: key, in: KeyMap.paste) == nil {
            switch key {
            case .char(let ch): p.pasteText.append(ch)
            case .backspace, .delete: if !p.pasteText.isEmpty { p.pasteText.removeLast() }
            default: break
            }
            p.pasteError = nil
            state.panel = .connect(p)
            return []
        }
        if case .add(var form) = state.panel, KeyMap.command(for: key, in: KeyMap.add) == nil {
            return formKey(key, &form, &state)
        }
        if case .client(var form) = state.panel, KeyMap.command(for: key, in: KeyMap.client) == nil {
            return clientFormKey(key, &form, &state)
        }
        guard let command = KeyMap.command(for: key, in: KeyMap.table(for: state)) else { return [] }
        return run(command, &state)
    }
}

/// The loaded list, except that a scheme whose status this screen heard of more recently than the file says
/// (a larger revision) keeps that status: a reload that read the file before a flow's last write never moves a
/// status backwards.
func merged(_ loaded: [Connection], keeping current: [Connection]) -> [Connection] {
    var newer: [String: AuthScheme] = [:]
    for c in current { for s in c.schemes where s.statusRevision > 0 { newer[s.id] = s } }
    guard !newer.isEmpty else { return loaded }
    var list = loaded
    for ci in list.indices {
        for si in list[ci].schemes.indices {
            guard let known = newer[list[ci].schemes[si].id], known.statusRevision > list[ci].schemes[si].statusRevision else { continue }
            list[ci].schemes[si].status = known.status
            list[ci].schemes[si].statusRevision = known.statusRevision
            list[ci].schemes[si].info = known.info
        }
    }
    return list
}
