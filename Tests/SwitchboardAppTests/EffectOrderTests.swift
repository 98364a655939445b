import Canvas
import Foundation
import SwitchboardApp
import SwitchboardCore
import SwitchboardTestSupport
import Synchronization
import Testing

/// Effects whose cancel is slow: if a list's effects ran concurrently (as they did), the start of `b`'s new
/// sign-in reached the engine before the cancel of the old one, and the cancel killed the new flow.
final class SlowCancelEffects: ScreenEffects {
    let order = Mutex<[String]>([])
    let inner: RecordingEffects
    init(_ connections: [Connection]) { inner = RecordingEffects(connections) }

    func initialConnections(rows: Int) -> (connections: [Connection], totals: (count: Int, attention: Int)?) { inner.initialConnections(rows: rows) }
    func perform(_ effect: AppEffect, send: @escaping @Sendable (AppAction) -> Void) async {
        switch effect {
        case .cancelConnect:
            try? await Task.sleep(for: .milliseconds(200))
            order.withLock { $0.append("cancel") }
        case .startConnect(_, let device, _): order.withLock { $0.append(device ? "start device" : "start browser") }
        case .removeConnection:
            try? await Task.sleep(for: .milliseconds(200))
            order.withLock { $0.append("remove") }
        case .reload:
            order.withLock { $0.append("reload") }
            await inner.perform(effect, send: send)
        default: await inner.perform(effect, send: send)
        }
    }
    func forwardEvents(send: @escaping @Sendable (AppAction) -> Void) async { await inner.forwardEvents(send: send) }
    func connectionsChangedElsewhere() -> [Connection]? { nil }
    func screenIsUp() async {}
    func activityChanged() -> Bool { false }
    func bridgesChanged() -> [BridgeRecord]? { nil }
}

@Suite struct EffectOrderTests {
    @Test func theEffectsOfOneActionRunInOrder() async throws {
        let effects = SlowCancelEffects(Sample.connections)
        let time = TestTime(start: Sample.now)
        let driver = LoopDriver(effects, time: time)
        _ = await driver.until { $0.connections.count == 7 }
        // local (not connected): c, then the engine says it waits for the browser (the server offers a device code).
        driver.type([.char("G"), .char("k"), .char("c")])
        _ = await driver.until { if case .connect = $0.panel { true } else { false } }
        effects.inner.engine.yield(SchemeUpdate.fromEngine(schemeID: "s-local", event: .authorizationServerFound(issuer: "http://127.0.0.1:8080", deviceFlow: true)))
        effects.inner.engine.yield(SchemeUpdate.fromEngine(schemeID: "s-local", event: .waitingForBrowser(
            url: URL(string: "http://127.0.0.1:9/authorize")!, redirectURI: "http://127.0.0.1:9/callback", browserOpened: true)))
        _ = await driver.until { if case .connect(let p) = $0.panel { p.authorizationURL != nil } else { false } }
        driver.type([.char("v")])
        let switched = await waitUntil(timeout: .seconds(10)) { effects.order.withLock { $0.contains("start device") } }
        #expect(switched)
        #expect(effects.order.withLock { $0 } == ["start browser", "cancel", "start device"], "\(effects.order.withLock { $0 })")
        // Remove, then the reload that shows it gone: in that order.
        driver.type([.escape, .char("x"), .char("y")])
        let removed = await waitUntil(timeout: .seconds(10)) { effects.order.withLock { $0.contains("remove") && $0.last == "reload" } }
        #expect(removed, "\(effects.order.withLock { $0 })")
        driver.type([.char("q")])
        _ = await driver.run.value
    }
}
