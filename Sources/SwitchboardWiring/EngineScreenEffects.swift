import Acquisition
import Foundation
import MCPSession
import SwitchboardApp
import SwitchboardCore
import Synchronization

/// The screen's effects, carried out by the engine. Every result goes back to the loop as an action; nothing
/// here touches the screen's state.
public final class EngineScreenEffects: ScreenEffects {
    let engine: Wiring
    let browser: any BrowserOpener
    /// The browser may be on another machine: flows print the address instead of opening it.
    let remote: Bool
    /// integrations.json and the activity journal as last seen, to notice changes by other processes.
    private let connectionsFile: FileWatch
    private let activityFile: FileWatch?
    private let bridges: BridgeWatch

    public init(engine: Wiring, browser: any BrowserOpener, remote: Bool) {
        self.engine = engine
        self.browser = browser
        self.remote = remote
        connectionsFile = FileWatch(engine.integrations.connections.fileURL)
        activityFile = engine.activity.map { FileWatch($0.file) }
        bridges = BridgeWatch(BridgeRegistry(home: engine.home))
    }

    public func activityChanged() -> Bool { activityFile?.changed() ?? false }

    public func bridgesChanged() -> [BridgeRecord]? { bridges.changed() }

    public func initialConnections(rows: Int) -> (connections: [Connection], totals: (count: Int, attention: Int)?) {
        let store = engine.integrations.connections
        // The first frame needs only the rows it shows: with a large home, decode those, draw, and load the
        // rest right after (the index next to integrations.json says where each connection is).
        if let first = try? store.prefix(rows), first.total > first.connections.count {
            return (first.connections, (first.total, first.attention))
        }
        return ((try? store.load().connections) ?? [], nil)
    }

    public func screenIsUp() async {
        // The refresher starts once the screen is up, so a large home does not delay the first frame.
        await engine.actor.startScheduler()
    }

    public func forwardEvents(send: @escaping @Sendable (AppAction) -> Void) async {
        for await update in await engine.actor.updates() { send(.acquisition(update)) }
    }

    public func connectionsChangedElsewhere() -> [Connection]? {
        connectionsFile.changed() ? try? engine.integrations.connections.load().connections : nil
    }

    public func perform(_ effect: AppEffect, send: @escaping @Sendable (AppAction) -> Void) async {
        let integrations = engine.integrations
        switch effect {
        case .quit:
            break
        case .reload:
            if let list = try? integrations.connections.load().connections { send(.connectionsLoaded(list)) }
        case .startConnect(let id, let device, let trustNewIssuer):
            let options = ConnectOptions(preferDevice: device, noBrowser: remote, trustNewClientIssuer: trustNewIssuer)
            // Progress reaches the screen through the engine's updates (forwardEvents).
            _ = await engine.connect(schemeID: id, options: options)
        case .pasteCallback(let id, let text):
            let result = await engine.actor.deliverPastedCallback(schemeID: id, url: text)
            if case .failure(let e) = result { send(.pasteFinished(error: e.message)) } else { send(.pasteFinished(error: nil)) }
        case .cancelConnect(let id):
            await engine.actor.cancelConnect(schemeID: id)
        case .disconnect(let id):
            for await _ in await engine.actor.disconnect(schemeID: id) {}
        case .openURL(let text):
            if let url = URL(string: text) { _ = await browser.open(url) }
        case .addConnection(let request):
            do {
                // The rule `switchboard add` keeps: a second connection to a server is a second account, asked for.
                try integrations.add(request, anotherAccount: false)
                send(.addFinished(error: nil))
            } catch let e as InvalidInput {
                send(.addFinished(error: e.message))
            } catch let e as ConnectionStoreError {
                send(.addFinished(error: e.said(with: KeyMap.say)))
            } catch {
                send(.addFinished(error: "\(error)"))
            }
        case .setClient(let name, let clientID, let secret, let port):
            do {
                // A secret is bound to the authorization server the connection's server names now.
                let issuer: String? = if secret != nil {
                    try await ClientBinding.discoverIssuer(
                        for: try integrations.connection(named: name).serverURL, http: engine.http,
                        naming: .setClient(connection: name, secret: true, issuer: true))
                } else { nil }
                try integrations.setManualClient(named: name, clientID: clientID, clientSecret: secret, clientIssuer: issuer, redirectPort: port)
                send(.setClientFinished(error: nil))
                if let issuer {
                    send(.notice("\(name) now signs in with your client; its secret is bound to issuer \(Redact.serverText(issuer, limit: 120)). \(KeyMap.say(.connect(connection: name)))."))
                }
            } catch let e as InvalidInput {
                send(.setClientFinished(error: e.message))
            } catch let e as AcquisitionError {
                send(.setClientFinished(error: [e.message, e.remedy(KeyMap.say)].compactMap { $0 }.joined(separator: " ")))
            } catch {
                send(.setClientFinished(error: "\(error)"))
            }
        case .removeConnection(let name):
            _ = try? integrations.remove(named: name)
        case .check(let name):
            let summary: String
            do {
                let connection = try integrations.connection(named: name)
                // The step-up policy `check` uses: a scope challenge or a moved server signs in again.
                summary = try await engine.check(connection, notice: { send(.notice($0)) }).summary
            } catch {
                summary = "failed: \(Wiring.describe(error))"
            }
            send(.checkFinished(name: name, summary: summary))
        case .loadActivity(let schemeID):
            send(.activityLoaded(schemeID: schemeID, events: (try? engine.activity?.events(scheme: schemeID)) ?? []))
        case .doctor(let name):
            let lines: [String]
            do { lines = try await engine.doctorReport(named: name) } catch { lines = ["✕ \(Wiring.describe(error))"] }
            send(.doctorFinished(name: name, lines: lines))
        }
    }
}
