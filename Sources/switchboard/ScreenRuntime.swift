import Acquisition
import Canvas
import Foundation
import MCPSession
import NcursesTerminal
import SwitchboardApp
import SwitchboardCore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The loop around the pure reducer: keys, engine events and ticks become actions; effects become engine calls.
/// It sleeps when nothing happens: input is awaited with poll(2), ticks only as fine as the countdowns shown.
final class ScreenRuntime: @unchecked Sendable {
    enum Input: Sendable { case inputReady, action(AppAction), terminate }

    let engine: Engine
    let browser: any BrowserOpener
    var state: AppState
    let inputs: AsyncStream<Input>
    let feed: AsyncStream<Input>.Continuation
    let consumed = DispatchSemaphore(value: 0)

    /// `remote`: why the browser may be elsewhere (nil for a local browser, or the demo's built-in one).
    init(engine: Engine, browser: any BrowserOpener, remote: String?) {
        self.engine = engine
        self.browser = browser
        state = AppState(now: Date())
        state.remote = remote
        (inputs, feed) = AsyncStream.makeStream(of: Input.self)
    }

    func run() async throws {
        let terminal = NcursesTerminal()
        defer { terminal.restore() }
        let signals = installSignalHandlers()
        defer { signals.forEach { signal($0, SIG_DFL) } }
        (state.width, state.height) = terminal.size
        // The first frame needs only the rows it shows: with a large home, decode those, draw, and load the
        // rest right after (the index next to integrations.json says where each connection is).
        let store = engine.integrations.connections
        var rest: Task<[Connection]?, Never>?
        if let first = try? store.prefix(max(1, state.height)), first.total > first.connections.count {
            state.connections = first.connections
            state.loadingTotals = (first.total, first.attention)
            rest = Task.detached { try? store.load().connections }
        } else {
            state.connections = (try? store.load().connections) ?? []
        }
        let updates = await engine.actor.updates()
        let feed = self.feed
        let forward = Task { for await u in updates { feed.yield(.action(.acquisition(u))) } }
        let ticker = Task { [weak self] in
            while !Task.isCancelled {
                let interval = self?.tickInterval() ?? 1
                try? await Task.sleep(for: .milliseconds(Int(interval * 1000)))
                feed.yield(.action(.tick(Date())))
            }
        }
        let watcher = Thread { [consumed] in
            // stdin, and the read end of the pipe the signal handler writes to.
            var fds = [pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: SignalPipe.shared.readEnd, events: Int16(POLLIN), revents: 0)]
            while true {
                let r = poll(&fds, 2, -1)
                if r < 0 {
                    if errno == EINTR { continue }
                    feed.yield(.terminate)
                    return
                }
                // A signal, or a terminal that went away (hang-up), ends the screen; never spin on it.
                let hangup = Int16(POLLHUP) | Int16(POLLERR) | Int16(POLLNVAL)
                if fds[1].revents != 0 || fds[0].revents & hangup != 0 {
                    feed.yield(.terminate)
                    return
                }
                feed.yield(.inputReady)
                consumed.wait()
            }
        }
        watcher.start()
        defer {
            forward.cancel()
            ticker.cancel()
        }
        var stamp = FileSystem.stamp(of: engine.integrations.connections.fileURL)
        terminal.draw(MainView.render(state, timeZone: .current))
        // The benchmark measures start-up to the first frame with this.
        if ProcessInfo.processInfo.environment["SWITCHBOARD_EXIT_AFTER_FIRST_FRAME"] == "1" { return }
        if let rest {
            let feed = self.feed
            Task { if let all = await rest.value { feed.yield(.action(.connectionsLoaded(all))) } }
        }
        // The refresher starts once the screen is up, so a large home does not delay the first frame.
        await engine.actor.startScheduler()
        for await input in inputs {
            switch input {
            case .terminate:
                return
            case .inputReady:
                while let key = terminal.readKey(timeoutMilliseconds: 0) {
                    if try await dispatch(.keyPressed(key)) { consumed.signal(); return }
                }
                consumed.signal()
            case .action(let action):
                if case .tick = action {
                    // Changes made by another Switchboard process show up within a tick.
                    let now = FileSystem.stamp(of: engine.integrations.connections.fileURL)
                    if now != stamp {
                        stamp = now
                        _ = try await dispatch(.connectionsLoaded((try? engine.integrations.connections.load().connections) ?? state.connections))
                    }
                }
                if try await dispatch(action) { return }
            }
            terminal.draw(MainView.render(state, timeZone: .current))
        }
    }

    /// Returns true when the screen should close.
    func dispatch(_ action: AppAction) async throws -> Bool {
        for effect in reduce(&state, action) {
            switch effect {
            case .quit: return true
            case .startConnect(let id, let device, let trustNewIssuer):
                let options = ConnectOptions(preferDevice: device, noBrowser: state.remote != nil, trustNewClientIssuer: trustNewIssuer)
                let stream = await engine.actor.connect(schemeID: id, options: options)
                Task { for await _ in stream {} }
            case .pasteCallback(let id, let text):
                let result = await engine.actor.deliverPastedCallback(schemeID: id, url: text)
                if case .failure(let e) = result { _ = try await dispatch(.pasteFinished(error: e.message)) } else {
                    _ = try await dispatch(.pasteFinished(error: nil))
                }
            case .cancelConnect(let id): await engine.actor.cancelConnect(schemeID: id)
            case .disconnect(let id):
                let stream = await engine.actor.disconnect(schemeID: id)
                Task { for await _ in stream {} }
            case .openURL(let text):
                if let url = URL(string: text) { let b = browser; Task { _ = await b.open(url) } }
            case .addConnection(let request):
                let failure: String?
                do { try engine.integrations.add(request); failure = nil } catch { failure = "\(error)" }
                _ = try await dispatch(.addFinished(error: failure))
            case .setClient(let name, let clientID, let secret, let port):
                let failure: String?
                do {
                    try engine.integrations.setManualClient(named: name, clientID: clientID, clientSecret: secret, redirectPort: port)
                    failure = nil
                } catch let e as InvalidInput { failure = e.message } catch { failure = "\(error)" }
                _ = try await dispatch(.setClientFinished(error: failure))
            case .removeConnection(let name):
                _ = try? engine.integrations.remove(named: name)
            case .check(let name):
                let engine = self.engine
                let feed = self.feed
                Task {
                    let summary: String
                    do {
                        let connection = try engine.integrations.connection(named: name)
                        let report = try await MCPSessionRunner(http: engine.http, authorizer: engine.authorizer(connection)).check()
                        summary = "ok · \(report.serverName) \(report.serverVersion) · \(report.protocolVersion) · \(report.tools.count) tools"
                        engine.recordCheck(connection, summary, era: MCPEra(rawValue: report.era))
                    } catch {
                        summary = "failed: \(describe(error))"
                        if let connection = try? engine.integrations.connection(named: name) {
                            engine.recordCheck(connection, summary)
                            // A scope challenge: the next sign-in (r) asks for the union.
                            if let wanted = Engine.signInAgain(for: error)?.scopes, !wanted.isEmpty,
                               let scheme = connection.primaryScheme, scheme.kind.isOAuth {
                                try? engine.widenScopes(scheme, to: wanted)
                            }
                        }
                    }
                    feed.yield(.action(.checkFinished(name: name, summary: summary)))
                }
            case .doctor(let name):
                let engine = self.engine
                let feed = self.feed
                Task {
                    let lines: [String]
                    do { lines = try await engine.doctorReport(named: name) } catch { lines = ["✕ \(describe(error))"] }
                    feed.yield(.action(.doctorFinished(name: name, lines: lines)))
                }
            case .reload:
                if let list = try? engine.integrations.connections.load().connections { _ = reduce(&state, .connectionsLoaded(list)) }
            }
        }
        return false
    }

    /// Seconds between ticks: 1 while a countdown shows seconds, else 3 (minutes, "ago" texts, and noticing
    /// changes by other processes with one stat(2) call).
    func tickInterval() -> Double {
        let soon = state.connections.contains { c in
            guard case .connected(let exp?) = c.primaryScheme?.status else { return false }
            return abs(exp.timeIntervalSince(Date())) < 120
        }
        return soon ? 1 : 3
    }

    /// SIGINT, SIGTERM and SIGHUP write to a pipe the input thread watches, so the loop ends normally and
    /// the terminal is restored (a handler may only do async-signal-safe work such as write(2)).
    func installSignalHandlers() -> [Int32] {
        _ = SignalPipe.shared
        let signals = [SIGTERM, SIGINT, SIGHUP]
        for sig in signals {
            signal(sig) { _ in
                var byte: UInt8 = 1
                _ = write(SignalPipe.writeEnd, &byte, 1)
            }
        }
        return signals
    }
}

/// The self-pipe between signal handlers and the input thread.
final class SignalPipe: Sendable {
    static let shared = SignalPipe()
    nonisolated(unsafe) static var writeEnd: Int32 = -1
    let readEnd: Int32

    private init() {
        var fds: [Int32] = [0, 0]
        pipe(&fds)
        readEnd = fds[0]
        SignalPipe.writeEnd = fds[1]
    }
}
