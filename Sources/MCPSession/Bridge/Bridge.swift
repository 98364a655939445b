import Acquisition
import Foundation
import SwitchboardCore

/// `switchboard bridge NAME`: a stdio MCP server that forwards every message to the connection's server
/// over HTTP with the engine's current token, in the era the two sides speak, without translating what
/// both understand. The 2025-11-25 handshake (session, GET stream, session expiry), the stateless
/// 2026-07-28 wire, the deprecated HTTP+SSE transport, and a 2025 client in front of a 2026-only server.
public actor Bridge {
    /// The wire the bridge settled on with the server.
    enum Era: Sendable, Equatable {
        case undecided
        /// 2025-11-25 (and earlier Streamable HTTP) session, passed through.
        case handshake
        /// 2026-07-28 per-request envelope, passed through.
        case modern
        /// A 2025 client in front of a 2026-07-28-only server: the bridge adds the envelope.
        case adapted
        /// The 2024-11-05 HTTP+SSE transport.
        case legacy
    }

    let config: BridgeConfiguration
    let http: any HTTPStreamingTransport
    let authorizer: ConnectionAuthorizer
    let hooks: BridgeHooks
    let out: LineWriter

    var era = Era.undecided
    /// Open client requests, each with a number so that a finished one never removes a newer one of the same id.
    var inflight: [RPCID: (number: Int, task: Task<Void, Never>)] = [:]
    var internalCounter = 0
    /// The ids of the bridge's own requests in flight: their answers never reach the client.
    var internalIDs: Set<RPCID> = []
    var closing = false
    var identified = false

    // The 2025-11-25 session.
    var sessionID: String?
    var negotiatedVersion: String?
    /// The client's `initialize` and `notifications/initialized`, replayed when the server forgets the session.
    var initializeRequest: Data?
    var initializedNotification: Data?
    var reinitializing: Task<Void, any Error>?
    /// A new session could not be started after the server ended one: the next request tries again.
    var sessionLost = false
    /// The session the bridge last started, and when: a 404 for it soon after is not an expiry.
    var lastReinitialize: (session: String, at: ContinuousClock.Instant)?
    var getStream: Task<Void, Never>?
    var getStreamUnsupported = false
    var lastEventID: String?

    // The 2024-11-05 transport.
    var legacyEndpoint: URL?
    var legacyStream: Task<Void, Never>?
    var legacyGeneration = 0
    var legacyReopening: Task<Void, any Error>?
    var legacyWaiters: [RPCID: OneShot<Data>] = [:]

    // The 2026-07-28 envelope the adapter adds for a 2025 client.
    var adapterEnvelope: Data?
    var adapterLogLevel: String?

    public init(config: BridgeConfiguration, http: any HTTPStreamingTransport, authorizer: ConnectionAuthorizer,
                hooks: BridgeHooks, output: LineWriter) {
        self.config = config
        self.http = http
        self.authorizer = authorizer
        self.hooks = hooks
        self.out = output
    }

    /// Serves until the client closes stdin (or `close()` is called), then ends the session.
    public func run(_ input: AsyncStream<StdinItem>) async {
        for await item in input {
            if closing { break }
            await handle(item)
        }
        await close()
    }

    func handle(_ item: StdinItem) async {
        switch item {
        case .tooLong(let bytes):
            out.write(RPC.error(id: nil, code: RPC.invalidRequest,
                                message: "A message of \(bytes) bytes is over the bridge's \(StdinLines.defaultLimit >> 20) MiB limit; it was dropped."))
        case .line(let data):
            StartTrace.mark("line")
            let message: RPCMessage
            do {
                message = try RPCMessage(data)
            } catch {
                let (code, text) = switch error {
                case .notJSON: (RPC.parseError, "Parse error: the line is not JSON.")
                case .batch: (RPC.invalidRequest, "JSON-RPC batches are not part of MCP; send each message on its own line.")
                case .notAnObject, .notJSONRPC: (RPC.invalidRequest, "Invalid request: not a JSON-RPC message.")
                }
                out.write(RPC.error(id: nil, code: code, message: text))
                return
            }
            await route(message)
        }
    }

    func route(_ message: RPCMessage) async {
        switch message.kind {
        case .request:
            guard let id = message.id else {
                out.write(RPC.error(id: nil, code: RPC.invalidRequest, message: "Invalid request: an id must be a string or a number."))
                return
            }
            if message.method == "initialize" {
                await initialize(message)
                return
            }
            if !identified, message.envelopeVersion != nil, let name = Self.clientInfo(in: message.raw, fromEnvelope: true) {
                identified = true
                hooks.clientIdentified(name.name, name.version)
            }
            internalCounter += 1
            let number = internalCounter
            inflight[id] = (number, Task { await self.serve(message, number: number) })
        case .notification:
            await notify(message)
        case .response:
            await answerServer(message)
        }
    }

    /// One client request, through to its answer (or an error answer that says why not).
    func serve(_ message: RPCMessage, number: Int) async {
        guard let id = message.id else { return }
        defer { if inflight[id]?.number == number { inflight[id] = nil } }
        do {
            switch wire(for: message) {
            case .modern: try await exchangeModern(message)
            case .adapted: try await exchangeAdapted(message)
            case .legacy: _ = try await legacyRequest(message.raw, id: id)
            case .handshake, .undecided: try await exchangeHandshake(message)
            }
            hooks.served(nil)
        } catch {
            // A request the client cancelled (or the bridge closing) expects no answer.
            if Task.isCancelled || error is CancellationError || closing { return }
            fail(id, error)
        }
    }

    /// Answers `id` with an error that names the remedy.
    func fail(_ id: RPCID?, _ error: any Error) {
        if let e = error as? ServerRPCError {
            out.write(e.message)
            hooks.served(e.description)
            return
        }
        let text = hooks.explain(error)
        out.write(RPC.error(id: id, code: Self.needsPerson(error) ? RPC.needsAuthorization : RPC.upstreamFailed, message: text))
        hooks.served(text)
    }

    static func needsPerson(_ error: any Error) -> Bool {
        if let e = error as? AcquisitionError { return e.needsReconnect }
        return isChallenge(error)
    }

    static func isChallenge(_ error: any Error) -> Bool {
        error is InsufficientScope || error is AuthorizationRequired || error is AuthorizationServerMoved
    }

    /// Which wire a message goes on: the era settled with the server, or, before one is, the one the
    /// message itself speaks (a 2026-07-28 envelope, else the handshake).
    func wire(for message: RPCMessage) -> Era {
        switch era {
        case .undecided, .modern: message.envelopeVersion != nil ? .modern : (era == .modern ? .modern : .handshake)
        default: era
        }
    }

    func notify(_ message: RPCMessage) async {
        switch wire(for: message) {
        case .modern, .adapted:
            // The 2026-07-28 HTTP wire has no client-to-server notifications: cancelling is closing the stream.
            if message.method == "notifications/initialized" { initializedNotification = message.raw }
            if let target = message.cancels { inflight[target]?.task.cancel() }
        case .legacy:
            if message.method == "notifications/initialized" { initializedNotification = message.raw }
            do { try await sendLegacy(message.raw) } catch { hooks.diagnostic("could not pass on \(message.method ?? "a notification"): \(hooks.explain(error))") }
        case .handshake, .undecided:
            if message.method == "notifications/initialized" { initializedNotification = message.raw }
            do {
                try await sendHandshake(message)
            } catch {
                hooks.diagnostic("could not pass on \(message.method ?? "a notification"): \(hooks.explain(error))")
            }
            if message.method == "notifications/initialized" { startGetStream() }
        }
    }

    /// The client's answer to a server request (sampling, elicitation, roots).
    func answerServer(_ message: RPCMessage) async {
        do {
            switch era {
            case .legacy: try await sendLegacy(message.raw)
            case .modern, .adapted:
                hooks.diagnostic("the client answered a request the 2026-07-28 server cannot have sent; dropped")
            case .handshake, .undecided: try await sendHandshake(message)
            }
        } catch {
            hooks.diagnostic("could not pass the client's answer on: \(hooks.explain(error))")
        }
    }

    /// Ends the session: open requests are cancelled, the server is told (`DELETE`), streams close.
    public func close() async {
        guard !closing else { return }
        closing = true
        getStream?.cancel()
        legacyStream?.cancel()
        reinitializing?.cancel()
        legacyReopening?.cancel()
        for open in inflight.values { open.task.cancel() }
        for waiter in legacyWaiters.values { waiter.settle(.failure(CancellationError())) }
        legacyWaiters = [:]
        if era == .handshake, let sessionID {
            _ = try? await send("DELETE", body: nil, headers: [("Mcp-Session-Id", sessionID)] + versionHeader,
                                deadline: config.shortDeadline, idle: config.shortDeadline, mayAskPerson: false)
        }
    }

    func nextInternalID(_ purpose: String) -> RPCID {
        internalCounter += 1
        let id = RPCID(internal: "switchboard-\(purpose)-\(internalCounter)")
        internalIDs.insert(id)
        return id
    }

    /// The client's name and version: `initialize`'s `clientInfo`, or the 2026-07-28 envelope's.
    static func clientInfo(in raw: Data, fromEnvelope: Bool = false) -> (name: String, version: String)? {
        guard let object = try? JSONSerialization.jsonObject(with: raw) as? [String: Any],
              let params = object["params"] as? [String: Any],
              let info = (fromEnvelope ? (params["_meta"] as? [String: Any])?[RPCMessage.clientInfoKey] : params["clientInfo"]) as? [String: Any]
        else { return nil }
        return (info["name"] as? String ?? "unnamed client", info["version"] as? String ?? "")
    }

    /// The client's `initialize` under an id of the bridge's own, to start a new session unseen by the client.
    func replayedInitialize() throws -> (id: RPCID, body: Data)? {
        guard let original = initializeRequest, var object = try JSONSerialization.jsonObject(with: original) as? [String: Any] else { return nil }
        let id = nextInternalID("reinitialize")
        object["id"] = id.text
        return (id, try JSONSerialization.data(withJSONObject: object))
    }
}
