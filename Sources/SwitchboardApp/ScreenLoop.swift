import Canvas
import Foundation
import SwitchboardModel
import SwitchboardText
import Synchronization

/// The screen's loop: one stream of inputs, one owner of the state. Keys, engine events, effect results,
/// ticks, changes by other processes and resizes all arrive as actions and go through `reduce`; effects run
/// concurrently and send their results back into the same stream. Nothing else writes the state.
public struct ScreenLoop: Sendable {
    /// What arrives on the loop's one stream.
    public enum Input: Sendable {
        case action(AppAction)
        /// The terminal has keys waiting; `done` is called once they are read (the watcher then waits again).
        case keysReady(done: @Sendable () -> Void)
        /// The terminal went away or a signal asked the screen to close.
        case terminate
    }

    /// Where sources put their inputs. Any task or thread may send.
    public struct Inbox: Sendable {
        let continuation: AsyncStream<Input>.Continuation
        public func send(_ action: AppAction) { continuation.yield(.action(action)) }
        public func keysReady(done: @escaping @Sendable () -> Void = {}) { continuation.yield(.keysReady(done: done)) }
        public func terminate() { continuation.yield(.terminate) }
    }

    public let inbox: Inbox
    private let inputs: AsyncStream<Input>
    private let effects: any ScreenEffects
    private let time: TimeSource
    private let timeZone: TimeZone
    private let remote: String?
    private let colors: Bool

    /// `remote`: why the browser may be on another machine (nil when a local browser works).
    /// `colors`: false under `NO_COLOR` (the views then use no colour at all).
    public init(effects: any ScreenEffects, time: TimeSource = .live, timeZone: TimeZone = .current, remote: String? = nil, colors: Bool = true) {
        let (stream, continuation) = AsyncStream.makeStream(of: Input.self)
        inputs = stream
        inbox = Inbox(continuation: continuation)
        self.effects = effects
        self.time = time
        self.timeZone = timeZone
        self.remote = remote
        self.colors = colors
    }

    /// Runs until `q`, a signal or the end of the terminal. `frames` sees every state drawn (tests wait on it).
    @discardableResult
    public func run(on terminal: some Terminal, frames: (@Sendable (AppState) -> Void)? = nil) async -> AppState {
        var state = AppState(now: time.now())
        state.remote = remote
        (state.width, state.height) = terminal.size
        let first = effects.initialConnections(rows: max(1, state.height))
        state.connections = first.connections
        state.loadingTotals = first.totals
        func draw() {
            terminal.draw(MainView.render(state, timeZone: timeZone, colors: colors))
            frames?(state)
        }
        draw()
        let ticks = TickInterval(for: state)
        return await withDiscardingTaskGroup { group in
            let inbox = self.inbox, effects = self.effects, time = self.time
            group.addTask { await effects.forwardEvents(send: inbox.send) }
            group.addTask {
                // Ticks: as fine as the countdowns shown; each one also looks for changes by other processes.
                // Bridges already running are looked for at once.
                if let bridges = effects.bridgesChanged() { inbox.send(.bridgesLoaded(bridges)) }
                while !Task.isCancelled {
                    do { try await time.sleep(for: .milliseconds(ticks.milliseconds)) } catch { return }
                    inbox.send(.tick(time.now()))
                    if let list = effects.connectionsChangedElsewhere() { inbox.send(.connectionsLoaded(list)) }
                    if effects.activityChanged() { inbox.send(.activityChanged) }
                    if let bridges = effects.bridgesChanged() { inbox.send(.bridgesLoaded(bridges)) }
                }
            }
            // The effects of one action run in order, one after another (a cancel before the start it makes
            // room for, a remove before the reload that shows it); those of different actions run concurrently.
            func perform(_ list: [AppEffect]) -> Bool {
                if list.contains(.quit) { return true }
                guard !list.isEmpty else { return false }
                group.addTask { for effect in list { await effects.perform(effect, send: inbox.send) } }
                return false
            }
            if first.totals != nil { _ = perform([.reload]) }
            await effects.screenIsUp()
            loop: for await input in inputs {
                switch input {
                case .terminate:
                    break loop
                case .keysReady(let done):
                    defer { done() }
                    if let resize = terminal.pendingResize(), perform(reduce(&state, .keyPressed(resize))) { break loop }
                    while let key = terminal.readKey(timeoutMilliseconds: 0) {
                        if perform(reduce(&state, .keyPressed(key))) { break loop }
                    }
                case .action(let action):
                    if perform(reduce(&state, action)) { break loop }
                    switch action {
                    case .tick, .connectionsLoaded, .acquisition: ticks.update(for: state)
                    default: break
                    }
                }
                draw()
            }
            group.cancelAll()
            return state
        }
    }
}
