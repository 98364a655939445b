import Canvas
import SwitchboardCore

/// What a key does in a panel. One table per panel drives both dispatch and the footer hints.
public enum Command: Equatable, Sendable {
    case up, down, pageUp, pageDown, top, bottom
    case open, connect, reconnect, disconnect, filter, help, quit
    case close, openBrowserAgain, cancel, confirm, decline
    case add, remove, nextField, previousField, submit, check
    case paste, useDevice, useBrowser, doctor, manualClient, timeline
}

public struct KeyBinding: Sendable {
    public var keys: [Key]
    /// The hint in the footer; nil keeps the binding out of the footer.
    public var hint: (key: String, label: String)?
    public var command: Command
}

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
        KeyBinding(keys: [.char("D")], hint: ("D", "doctor for the selected connection"), command: .doctor),
        KeyBinding(keys: [.escape, .char("?"), .char("q"), .enter], hint: ("Esc", "close"), command: .close),
    ]

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

    public static func table(for state: AppState) -> [KeyBinding] {
        if state.filtering { return filter }
        if case .connect(let p) = state.panel, p.pasting { return paste }
        if case .connect(let p) = state.panel, p.failure?.code == .clientIssuerChanged { return clientIssuerChanged }
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
    public static func key(for command: Command, in table: [KeyBinding] = main) -> String? {
        table.first { $0.command == command }?.hint?.key
    }

    /// A remedy as the screen says it: the key on the list that carries it out (from the table, never a literal).
    public static func say(_ remedy: Remedy) -> String {
        switch remedy {
        case .reconnect: "Press \(key(for: .reconnect) ?? "r") to sign in again"
        case .connect: "Press \(key(for: .connect) ?? "c") to connect"
        case .doctor: "Press \(key(for: .doctor) ?? "D") for the doctor"
        }
    }

    public static func command(for key: Key, in table: [KeyBinding]) -> Command? {
        table.first { $0.keys.contains(key) }?.command
    }
}
