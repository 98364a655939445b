import Canvas
import Foundation
import SwitchboardModel
import SwitchboardText

public enum KeyMap {
    public static let main: [KeyBinding] = [
        KeyBinding(keys: [.up, .char("k")], hint: ("↑↓", "move"), command: .up),
        KeyBinding(keys: [.down, .char("j")], hint: nil, command: .down),
        KeyBinding(keys: [.pageUp], hint: nil, command: .pageUp),
        KeyBinding(keys: [.pageDown], hint: nil, command: .pageDown),
        KeyBinding(keys: [.home, .char("g")], hint: nil, command: .top),
        KeyBinding(keys: [.end, .char("G")], hint: nil, command: .bottom),
        KeyBinding(keys: [.enter], hint: ("⏎", "open"), command: .open),
        KeyBinding(keys: [.char("c")], hint: ("c", "connect"), command: .connect),
        KeyBinding(keys: [.char("r")], hint: ("r", "reconnect"), command: .reconnect),
        KeyBinding(keys: [.char("d")], hint: ("d", "disconnect"), command: .disconnect),
        KeyBinding(keys: [.char("t")], hint: ("t", "test"), command: .check),
        KeyBinding(keys: [.char("a")], hint: ("a", "add"), command: .add),
        KeyBinding(keys: [.char("x")], hint: ("x", "remove"), command: .remove),
        KeyBinding(keys: [.char("D")], hint: ("D", "doctor"), command: .doctor),
        KeyBinding(keys: [.char("l")], hint: ("l", "log"), command: .timeline),
        KeyBinding(keys: [.char("/")], hint: ("/", "filter"), command: .filter),
        // A kept filter is cleared with Esc, as while typing it.
        KeyBinding(keys: [.escape], hint: nil, command: .cancel),
        KeyBinding(keys: [.char("m")], hint: ("m", "client"), command: .manualClient),
        KeyBinding(keys: [.char("?")], hint: ("?", "help"), command: .help),
        KeyBinding(keys: [.char("q"), .ctrl("c")], hint: ("q", "quit"), command: .quit),
    ]

    /// The list before the first connection: what can be done is add one (the other keys would act on nothing,
    /// and the footer would offer them).
    public static let emptyList: [KeyBinding] = [
        KeyBinding(keys: [.char("a")], hint: ("a", "add a connection"), command: .add),
        KeyBinding(keys: [.char("?")], hint: ("?", "help"), command: .help),
        KeyBinding(keys: [.char("q"), .ctrl("c")], hint: ("q", "quit"), command: .quit),
    ]

    public static let connect: [KeyBinding] = [
        KeyBinding(keys: [.char("o")], hint: ("o", "open browser"), command: .openBrowserAgain),
        KeyBinding(keys: [.char("p")], hint: ("p", "paste address"), command: .paste),
        KeyBinding(keys: [.char("v")], hint: ("v", "device code"), command: .useDevice),
        KeyBinding(keys: [.char("b")], hint: ("b", "browser"), command: .useBrowser),
        KeyBinding(keys: [.escape], hint: ("Esc", "cancel / close"), command: .cancel),
        KeyBinding(keys: [.enter], hint: ("⏎", "close when done"), command: .close),
    ]

    /// A Connect that stopped because the person's client secret would go to a new authorization server.
    public static let clientIssuerChanged: [KeyBinding] = [
        KeyBinding(keys: [.char("y"), .char("Y")], hint: ("y", "send the secret to the new server"), command: .confirm),
        KeyBinding(keys: [.char("m")], hint: ("m", "enter another client"), command: .manualClient),
        KeyBinding(keys: [.escape, .char("n"), .char("N"), .enter], hint: ("N/Esc", "close"), command: .cancel),
    ]

    public static let disconnect: [KeyBinding] = [
        KeyBinding(keys: [.char("y"), .char("Y")], hint: ("y", "disconnect"), command: .confirm),
        KeyBinding(keys: [.char("n"), .char("N"), .escape], hint: ("N/Esc", "keep"), command: .decline),
        KeyBinding(keys: [.enter], hint: nil, command: .close),
    ]

    /// Typing goes into the focused field; these keys move and act.
    public static let add: [KeyBinding] = [
        KeyBinding(keys: [.tab, .down], hint: ("Tab/↓", "next field"), command: .nextField),
        KeyBinding(keys: [.up], hint: ("↑", "previous"), command: .previousField),
        KeyBinding(keys: [.enter, .ctrl("s")], hint: ("⏎", "add"), command: .submit),
        KeyBinding(keys: [.escape], hint: ("Esc", "cancel"), command: .cancel),
    ]

    /// The client form: typing goes into the focused field.
    public static let client: [KeyBinding] = [
        KeyBinding(keys: [.tab, .down], hint: ("Tab/↓", "next field"), command: .nextField),
        KeyBinding(keys: [.up], hint: ("↑", "previous"), command: .previousField),
        KeyBinding(keys: [.enter, .ctrl("s")], hint: ("⏎", "use this client"), command: .submit),
        KeyBinding(keys: [.escape], hint: ("Esc", "cancel"), command: .cancel),
    ]

    public static let remove: [KeyBinding] = [
        KeyBinding(keys: [.char("y"), .char("Y")], hint: ("y", "remove"), command: .confirm),
        KeyBinding(keys: [.char("n"), .char("N"), .escape], hint: ("N/Esc", "keep"), command: .decline),
    ]

    public static let signInAgain: [KeyBinding] = [
        KeyBinding(keys: [.char("y"), .char("Y")], hint: ("y", "sign in again"), command: .confirm),
        KeyBinding(keys: [.char("n"), .char("N"), .escape], hint: ("N/Esc", "keep"), command: .decline),
    ]

    public static let paste: [KeyBinding] = [
        KeyBinding(keys: [.enter], hint: ("⏎", "use this address"), command: .submit),
        KeyBinding(keys: [.escape], hint: ("Esc", "stop pasting"), command: .cancel),
    ]

    public static let help: [KeyBinding] = [
        KeyBinding(keys: [.up, .char("k")], hint: ("↑↓", "scroll"), command: .up),
        KeyBinding(keys: [.down, .char("j")], hint: nil, command: .down),
        KeyBinding(keys: [.pageUp], hint: nil, command: .pageUp),
        KeyBinding(keys: [.pageDown, .char(" ")], hint: nil, command: .pageDown),
        KeyBinding(keys: [.home, .char("g")], hint: nil, command: .top),
        KeyBinding(keys: [.end, .char("G")], hint: nil, command: .bottom),
        KeyBinding(keys: [.char("D")], hint: ("D", "doctor for the selected connection"), command: .doctor),
        KeyBinding(keys: [.escape, .char("?"), .char("q"), .enter], hint: ("Esc", "close"), command: .close),
    ]

    /// A key's name as the help lists it.
    static func name(_ key: Key) -> String {
        switch key {
        case .up: "↑"
        case .down: "↓"
        case .left: "←"
        case .right: "→"
        case .pageUp: "PgUp"
        case .pageDown: "PgDn"
        case .home: "Home"
        case .end: "End"
        case .enter: "⏎"
        case .escape: "Esc"
        case .backspace: "⌫"
        case .tab: "Tab"
        case .delete: "Del"
        case .char(" "): "Space"
        case .char(let c): String(c)
        case .ctrl(let c): "Ctrl-" + String(c).uppercased()
        case .resize: ""
        }
    }

    /// What a binding does, for the help: its footer label, or a name for the keys the footer leaves out.
    static func describe(_ b: KeyBinding) -> String {
        switch b.command {
        case .up where b.keys.contains(.up): return "up"
        case .down where b.keys.contains(.down): return "down"
        case .open: return "the row's next step: connect, reconnect, or test"
        default: break
        }
        if let hint = b.hint { return hint.label }
        switch b.command {
        case .up: return "up"
        case .down: return "down"
        case .pageUp: return "a page up"
        case .pageDown: return "a page down"
        case .top: return "first"
        case .bottom: return "last"
        case .cancel: return "clear the filter"
        case .close: return "close"
        default: return "\(b.command)"
        }
    }

    /// Every table the help lists, with its title: every key a person can press, from the tables that dispatch them.
    static var helpSections: [(String, [(keys: String, label: String)])] {
        func rows(_ table: [KeyBinding]) -> [(keys: String, label: String)] {
            table.map { b in (b.keys.map(name).filter { !$0.isEmpty }.joined(separator: " "), describe(b)) }
        }
        return [("List", rows(main)), ("Connect panel", rows(connect)), ("Paste-back", rows(paste)),
                ("Add form", rows(add) + [("← →  Space", "choose the kind (on the Kind field)")]),
                ("Client form", rows(client)), ("Disconnect, remove, sign in again", rows(disconnect)),
                ("Doctor", rows(doctor)), ("Activity", rows(timeline)), ("Filter", rows(filter)), ("Help", rows(help))]
    }

    public static let doctor: [KeyBinding] = [
        KeyBinding(keys: [.up, .char("k")], hint: ("↑↓", "scroll"), command: .up),
        KeyBinding(keys: [.down, .char("j")], hint: nil, command: .down),
        KeyBinding(keys: [.pageUp], hint: nil, command: .pageUp),
        KeyBinding(keys: [.pageDown, .char(" ")], hint: nil, command: .pageDown),
        KeyBinding(keys: [.char("D")], hint: ("D", "run again"), command: .doctor),
        KeyBinding(keys: [.escape, .char("q"), .enter], hint: ("Esc", "close"), command: .close),
    ]

    public static let timeline: [KeyBinding] = [
        KeyBinding(keys: [.up, .char("k")], hint: ("↑↓", "scroll"), command: .up),
        KeyBinding(keys: [.down, .char("j")], hint: nil, command: .down),
        KeyBinding(keys: [.pageUp], hint: nil, command: .pageUp),
        KeyBinding(keys: [.pageDown, .char(" ")], hint: nil, command: .pageDown),
        KeyBinding(keys: [.home, .char("g")], hint: ("g", "newest"), command: .top),
        KeyBinding(keys: [.escape, .char("q"), .char("l"), .enter], hint: ("Esc", "close"), command: .close),
    ]

    public static let filter: [KeyBinding] = [
        KeyBinding(keys: [.enter], hint: ("⏎", "keep filter"), command: .close),
        KeyBinding(keys: [.escape], hint: ("Esc", "clear"), command: .cancel),
    ]

    /// A finished Connect (connected, failed or cancelled): only closing is left.
    public static let connectFinished: [KeyBinding] = [
        KeyBinding(keys: [.enter, .escape], hint: ("⏎/Esc", "close"), command: .close),
    ]

    /// A finished Disconnect: its result, and closing.
    public static let disconnectFinished: [KeyBinding] = [
        KeyBinding(keys: [.enter, .escape, .char("n"), .char("N")], hint: ("⏎/Esc", "close"), command: .close),
    ]

    /// What Enter does on a row: the next step its status calls for. A working connection is tested (Enter used
    /// to open Disconnect while the footer called it "open").
    public static func enterCommand(for s: AuthScheme, now: Date) -> KeyCommand {
        switch s.status {
        case .connected, .refreshing: return s.standing(at: now).lapse == .needsSignIn ? .reconnect : .check
        case .expired, .error: return .reconnect
        default: return .connect
        }
    }

    /// The footer's word for Enter on the selected row.
    static func enterLabel(_ state: AppState) -> String {
        guard let s = state.selectedConnection?.primaryScheme, s.kind.isOAuth else { return "open" }
        switch enterCommand(for: s, now: state.now) {
        case .check: return "test"
        case .reconnect: return "reconnect"
        default: return "connect"
        }
    }

    public static func table(for state: AppState) -> [KeyBinding] {
        if state.filtering { return filter }
        if case .connect(let p) = state.panel, p.pasting { return paste }
        if case .connect(let p) = state.panel, p.failure?.code == .clientIssuerChanged { return clientIssuerChanged }
        if case .connect(let p) = state.panel, p.finished { return connectFinished }
        if case .connect(let p) = state.panel {
            // Only what this sign-in can do now: the browser again and paste-back once there is an address,
            // the device code where the server offers it, the browser while the device code runs.
            return connect.compactMap { binding in
                switch binding.command {
                case .openBrowserAgain, .paste: return p.authorizationURL != nil && !p.usesDevice ? binding : nil
                case .useDevice where p.deviceFlowOffered == false:
                    // Still heard, to say it is not offered here; not offered in the footer.
                    var quiet = binding
                    quiet.hint = nil
                    return quiet
                case .useDevice: return p.usesDevice ? nil : binding
                case .useBrowser: return p.usesDevice ? binding : nil
                case .close: return nil
                default: return binding
                }
            }
        }
        if case .disconnect(let p) = state.panel, case .done = p.phase { return disconnectFinished }
        if case .disconnect(let p) = state.panel, case .running = p.phase { return [] }
        if state.panel == nil, !state.connections.isEmpty {
            // Enter's hint says what it does on the selected row.
            return main.map { b in
                guard b.command == .open else { return b }
                var named = b
                named.hint = ("⏎", enterLabel(state))
                return named
            }
        }
        switch state.panel {
        case .connect: return connect
        case .disconnect: return disconnect
        case .add: return add
        case .client: return client
        case .remove: return remove
        case .signInAgain: return signInAgain
        case .help: return help
        case .doctor: return doctor
        case .timeline: return timeline
        case nil: return state.connections.isEmpty ? emptyList : main
        }
    }

    /// The key a person presses for `command` on the main list, as the footer names it: text that names a
    /// key (a remedy, a hint) takes it from here, never from a literal.
    public static func key(for command: KeyCommand, in table: [KeyBinding] = main) -> String? {
        table.first { $0.command == command }?.hint?.key
    }

    /// A remedy as the screen says it: the key that carries it out, from the table it is pressed in (never a
    /// literal). What no key does (a new port, sealing the store) is said as the command, to run in a terminal.
    public static func say(_ remedy: Remedy) -> String {
        func press(_ command: KeyCommand, in table: [KeyBinding] = main, _ what: String) -> String? {
            key(for: command, in: table).map { "Press \($0) \(what)" }
        }
        let said: String? = switch remedy {
        case .reconnect: press(.reconnect, "to sign in again")
        case .connect: press(.connect, "to connect")
        case .doctor(nil): "Open the doctor from the help (\(key(for: .help) ?? "?"))"
        case .doctor: press(.doctor, "for the doctor")
        case .trustNewIssuer:
            clientIssuerChanged.first { $0.command == .confirm }?.hint.map { "Press \($0.key) to \($0.label)" }
        case .setClient(_, _, let issuer): press(.manualClient, issuer ? "to enter the client and its authorization server" : "to enter the client")
        case .addWithClient: press(.add, "to add it with your client")
        case .remove: press(.remove, "to remove it")
        case .removeAndAddAgain(_, let scheme):
            key(for: .remove).flatMap { x in key(for: .add).map { a in
                "Press \(x) to remove it, then \(a) to add it again" + (scheme.map { " with the \($0) scheme" } ?? "")
            } }
        case .pasteAddress: press(.paste, in: connect, "on the Connect panel to paste the address")
        case .list: "The list shows the connections"
        case .advice(let text): text
        case .reconnectNewPort, .sealSecrets: nil
        }
        return said ?? remedy.commandLine.map { "In a terminal, run `\($0)`" } ?? ""
    }

    public static func command(for key: Key, in table: [KeyBinding]) -> KeyCommand? {
        table.first { $0.keys.contains(key) }?.command
    }
}
