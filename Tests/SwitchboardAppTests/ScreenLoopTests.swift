import Canvas
import Foundation
import SwitchboardApp
import SwitchboardCore
import SwitchboardTestSupport
import Synchronization
import Testing

/// Effects that answer at once and remember what they were asked; `send` goes back into the loop's stream.
final class RecordingEffects: ScreenEffects {
    let performed = Mutex<[AppEffect]>([])
    let connections: Mutex<[Connection]>
    let changedElsewhere = Mutex<[Connection]?>(nil)
    let engineEvents: AsyncStream<SchemeUpdate>
    let engine: AsyncStream<SchemeUpdate>.Continuation

    init(_ connections: [Connection]) {
        self.connections = Mutex(connections)
        (engineEvents, engine) = AsyncStream.makeStream(of: SchemeUpdate.self)
    }

    func initialConnections(rows: Int) -> (connections: [Connection], totals: (count: Int, attention: Int)?) {
        (connections.withLock { $0 }, nil)
    }

    func perform(_ effect: AppEffect, send: @escaping @Sendable (AppAction) -> Void) async {
        performed.withLock { $0.append(effect) }
        switch effect {
        case .reload: send(.connectionsLoaded(connections.withLock { $0 }))
        case .addConnection(let request):
            connections.withLock { $0.append(Connection(id: "c-\(request.name)", name: request.name, serverURL: URL(string: request.url)!,
                                                       schemes: [AuthScheme(id: "s-\(request.name)", kind: .oauthDynamic)])) }
            send(.addFinished(error: nil))
        case .pasteCallback: send(.pasteFinished(error: "That is not the address the browser ended on."))
        default: break
        }
    }

    func forwardEvents(send: @escaping @Sendable (AppAction) -> Void) async {
        for await u in engineEvents { send(.acquisition(u)) }
    }

    func connectionsChangedElsewhere() -> [Connection]? { changedElsewhere.withLock { value in defer { value = nil }; return value } }

    func screenIsUp() async {}

    func activityChanged() -> Bool { false }

    /// What the registry says on the next look (nil: nothing changed).
    let bridges = Mutex<[BridgeRecord]?>(nil)
    func bridgesChanged() -> [BridgeRecord]? { bridges.withLock { value in defer { value = nil }; return value } }
}

@Suite struct ScreenLoopTests {
    @Test func keysEffectsAndTheirResultsGoThroughOneStream() async throws {
        let effects = RecordingEffects(Sample.connections)
        let time = TestTime(start: Sample.now)
        let driver = LoopDriver(effects, time: time)
        _ = await driver.until { $0.connections.count == 7 }

        // Add: the form's submit becomes an effect; its result comes back as an action; the new row is selected.
        driver.type([.char("a")] + .typing("linear2") + [.tab] + .typing("https://example.com/mcp") + [.enter])
        let added = try #require(await driver.until { $0.selectedConnection?.name == "linear2" })
        #expect(added.message == "Added linear2. Press c to connect.")
        #expect(added.panel == nil)

        // Connect on it: the effect is asked for, the engine's events (sent by another task) fill the panel.
        driver.type([.char("c")])
        _ = await driver.until { if case .connect = $0.panel { true } else { false } }
        effects.engine.yield(SchemeUpdate.fromEngine(schemeID: "s-linear2", event: .waitingForBrowser(
            url: URL(string: "http://127.0.0.1:9/authorize")!, redirectURI: "http://127.0.0.1:9/callback", browserOpened: false)))
        _ = await driver.until { if case .connect(let p) = $0.panel { p.authorizationURL != nil } else { false } }

        // Paste: typed into the panel, submitted as an effect, refused: the refusal is drawn.
        driver.type([.char("p")] + .typing("nonsense") + [.enter])
        let refused = try #require(await driver.until { if case .connect(let p) = $0.panel { p.pasteError != nil } else { false } })
        guard case .connect(let p) = refused.panel else { Issue.record("panel"); return }
        #expect(p.pasteError?.contains("not the address") == true)

        // Ticks come from the injected clock.
        await time.advance(by: .seconds(3))
        _ = await driver.until { $0.now >= Sample.now.addingTimeInterval(3) }

        // A change by another process arrives on a tick.
        var elsewhere = effects.connections.withLock { $0 }
        elsewhere.removeAll { $0.name == "github" }
        effects.changedElsewhere.withLock { $0 = elsewhere }
        await time.advance(by: .seconds(3))
        _ = await driver.until { !$0.connections.contains { $0.name == "github" } }

        // Esc stops pasting, Esc again cancels the sign-in, q quits.
        driver.type([.escape, .escape, .char("q")])
        let last = await driver.run.value
        #expect(last.quitting)
        let asked = effects.performed.withLock { $0 }
        #expect(asked.contains(.addConnection(NewConnection(name: "linear2", url: "https://example.com/mcp"))))
        #expect(asked.contains(.startConnect(schemeID: "s-linear2", device: false)))
        #expect(asked.contains(.pasteCallback(schemeID: "s-linear2", text: "nonsense")))
        #expect(asked.contains(.cancelConnect(schemeID: "s-linear2")))
    }

    /// Bridges running when the screen starts arrive at once; a change arrives on a tick, through the one stream.
    @Test func bridgesArriveThroughTheStream() async throws {
        let effects = RecordingEffects(Sample.connections)
        effects.bridges.withLock { $0 = [Sample.bridges[0]] }
        let time = TestTime(start: Sample.now)
        let driver = LoopDriver(effects, time: time)
        let first = try #require(await driver.until { !$0.bridges.isEmpty })
        #expect(first.bridges == [Sample.bridges[0]])
        #expect(driver.terminal.lastFrame.contains("⇄1"))
        effects.bridges.withLock { $0 = Sample.bridges }
        await time.advance(by: .seconds(3))
        let both = try #require(await driver.until { $0.bridges.count == 2 })
        #expect(both.bridges(for: both.connections[0]).map(\.pid) == [48213, 48377])
        // The bridges stop: the next look says so.
        effects.bridges.withLock { $0 = [] }
        await time.advance(by: .seconds(3))
        _ = await driver.until { $0.bridges.isEmpty }
        driver.loop.inbox.terminate()
        _ = await driver.run.value
    }

    @Test func aSignalOrAHangUpEndsTheLoop() async {
        let driver = LoopDriver(RecordingEffects([]), time: TestTime())
        _ = await driver.until { _ in true }
        driver.loop.inbox.terminate()
        #expect(await driver.run.value.quitting == false)
    }
}
