import Canvas
import Foundation
import SwitchboardApp
import SwitchboardCore

/// Drives a `ScreenLoop` and waits for the frames it draws (no sleeping: each wait ends on a drawn state).
public struct LoopDriver: Sendable {
    public let loop: ScreenLoop
    public let terminal = FakeTerminal(width: 100, height: 30)
    let states: AsyncStream<AppState>
    public let run: Task<AppState, Never>

    public init(_ effects: any ScreenEffects, time: TestTime, remote: String? = nil) {
        let loop = ScreenLoop(effects: effects, time: time.source, timeZone: TimeFormat.utc, remote: remote)
        self.loop = loop
        let (states, sink) = AsyncStream.makeStream(of: AppState.self)
        self.states = states
        let terminal = self.terminal
        run = Task { await loop.run(on: terminal) { sink.yield($0) } }
    }

    public func type(_ keys: [Key]) {
        terminal.queue(keys)
        loop.inbox.keysReady()
    }

    /// The first drawn state that satisfies `condition`.
    public func until(_ condition: (AppState) -> Bool) async -> AppState? {
        for await state in states { if condition(state) { return state } }
        return nil
    }
}

