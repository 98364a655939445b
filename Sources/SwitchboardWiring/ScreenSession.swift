import Acquisition
import Foundation
import NcursesTerminal
import SwitchboardApp
import SwitchboardCore

/// The screen on this terminal: ncurses, the input watcher, and the loop with the engine's effects.
public enum ScreenSession {
    /// `remote`: why the browser may be on another machine (nil for a local browser, or the demo's built-in one).
    /// `notice`: a first line for the footer (the demo says where its home is).
    public static func run(engine: Wiring, browser: any BrowserOpener, remote: String?, notice: String? = nil) async {
        let effects = EngineScreenEffects(engine: engine, browser: browser, remote: remote != nil)
        let loop = ScreenLoop(effects: effects, time: engine.time, timeZone: TimeFormat.local, remote: remote,
                              colors: ProcessInfo.processInfo.environment["NO_COLOR"].map(\.isEmpty) ?? true)
        let terminal = NcursesTerminal()
        defer {
            terminal.restore()
            InputWatcher.restoreSignals()
        }
        let inbox = loop.inbox
        InputWatcher.start(keysReady: { done in inbox.keysReady(done: done) }, terminate: { inbox.terminate() })
        if let notice { inbox.send(.notice(notice)) }
        await loop.run(on: terminal)
        // Quitting waits for a refresh under way (its rotated token stored), the statuses queued and the journal.
        await engine.shutdown()
    }
}
