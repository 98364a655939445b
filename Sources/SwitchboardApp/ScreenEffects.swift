import Canvas
import Foundation
import SwitchboardModel
import SwitchboardText
import Synchronization

/// What the screen asks of the world. The loop calls these; whatever they learn comes back as actions.
public protocol ScreenEffects: Sendable {
    /// The connections for the first frame: at least the first `rows`, and whether the rest is still to load
    /// (then the loop asks for `.reload` after the first frame).
    func initialConnections(rows: Int) -> (connections: [Connection], totals: (count: Int, attention: Int)?)
    /// Runs one effect; results are sent back as actions. Runs concurrently with the loop.
    func perform(_ effect: AppEffect, send: @escaping @Sendable (AppAction) -> Void) async
    /// Sends the engine's events as actions until cancelled.
    func forwardEvents(send: @escaping @Sendable (AppAction) -> Void) async
    /// The connections on disk when another process changed them since the last look, else nil (one stat(2)).
    func connectionsChangedElsewhere() -> [Connection]?
    /// Whether the activity journal grew since the last look (one stat(2)).
    func activityChanged() -> Bool
    /// The live bridges when they changed since the last look (the first look: when any run), else nil.
    func bridgesChanged() -> [BridgeRecord]?
    /// Called once the first frame is on the terminal (the refresher starts then, so it never delays it).
    func screenIsUp() async
}
