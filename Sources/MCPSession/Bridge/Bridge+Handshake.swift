import Acquisition
import Foundation
import SwitchboardCore

/// The 2025-11-25 Streamable HTTP session: the client's `initialize` goes out as it is and the session id
/// is kept; `MCP-Protocol-Version` follows negotiation; the GET stream carries server-initiated messages
/// and resumes with `Last-Event-ID`; a session the server forgot (404) is re-initialized by replaying
/// the client's `initialize` and `notifications/initialized`, unseen by the client.
extension Bridge {
    var versionHeader: [(String, String)] { negotiatedVersion.map { [("MCP-Protocol-Version", $0)] } ?? [] }
    var sessionHeaders: [(String, String)] { (sessionID.map { [("Mcp-Session-Id", $0)] } ?? []) + versionHeader }

    /// The client's `initialize`, handled before the next line is read (nothing may overtake it), within
    /// `config.initializeDeadline`. The server's answer settles the era: a session (2025), a transport that is
    /// not there (404/405 without JSON-RPC: the 2024-11-05 HTTP+SSE fallback), or a refusal that a
    /// 2026-07-28-only server gives (the adapter).
    func initialize(_ message: RPCMessage) async {
        guard let id = message.id else { return }
        initializeRequest = message.raw
        if let info = Self.clientInfo(in: message.raw) {
            identified = true
            hooks.clientIdentified(info.name, info.version)
        }
        StartTrace.mark("identified")
        do {
            let response = try await post(message.raw, headers: [])
            if (200..<300).contains(response.status), response.status != 202 {
                sessionID = response.value("Mcp-Session-Id").flatMap(Self.validSessionID)
                era = .handshake
                let answer = try await relay(response, answering: id, limit: config.initializeDeadline)
                StartTrace.mark("relayed")
                StartTrace.finish()
                negotiatedVersion = Self.protocolVersion(in: answer)
                hooks.served(nil)
                return
            }
            let refusal = await httpFailure(response, answering: id)
            if [404, 405].contains(response.status), !(refusal is ServerRPCError), try await openLegacy(initialize: message) {
                hooks.served(nil)
                return
            }
            if try await adapt(message) {
                hooks.served(nil)
                return
            }
            fail(id, refusal)
        } catch {
            if !Task.isCancelled { fail(id, error) }
        }
    }

    /// A request in the session; a session the server forgot is re-initialized and the request sent again.
    func exchangeHandshake(_ message: RPCMessage) async throws {
        guard let id = message.id else { return }
        if sessionLost {
            // A new session could not be started last time: start one before this request.
            try await reinitialize(after: nil)
        }
        let sent = sessionID
        let response = try await post(message.raw, headers: sessionHeaders)
        if response.status == 404, let sent, mayReinitialize(for: sent) {
            try await reinitialize(after: sent)
            try await relay(try await post(message.raw, headers: sessionHeaders), answering: id)
            return
        }
        try await relay(response, answering: id)
    }

    /// A notification or an answer to the server: accepted with 202 (or any 2xx), within `config.shortDeadline`.
    func sendHandshake(_ message: RPCMessage) async throws {
        let sent = sessionID
        var response = try await send("POST", body: message.raw, headers: sessionHeaders, deadline: config.shortDeadline,
                                      idle: config.shortDeadline, mayAskPerson: false)
        if response.status == 404, let sent, message.method != "notifications/initialized", mayReinitialize(for: sent) {
            try await reinitialize(after: sent)
            response = try await send("POST", body: message.raw, headers: sessionHeaders, deadline: config.shortDeadline,
                                      idle: config.shortDeadline, mayAskPerson: false)
        }
        guard (200..<300).contains(response.status) else { throw await httpFailure(response, answering: nil) }
        guard response.status != 202 else {
            // Its end, so the connection stays alive: within the short deadline in all, however slowly it comes.
            let accepted = response
            _ = try? await within(config.shortDeadline, "the server's acceptance of a message") { try await accepted.collect(upTo: 64 << 10) }
            return
        }
        // A server may answer with a stream; what it carries goes to the client, read by a task of its own.
        Task { try? await self.readMessages(response) { self.out.write($0.raw) } }
    }

    /// Whether a 404 for `session` means the server forgot it. A 404 for a session the bridge started moments
    /// ago means something else (a server that answers 404 for an unknown tool, a balancer without sticky
    /// sessions): it is passed on, so a server cannot make the bridge start sessions in a loop.
    func mayReinitialize(for session: String) -> Bool {
        guard let last = lastReinitialize, last.session == session else { return true }
        return ContinuousClock.now - last.at > .seconds(10)
    }

    /// Starts a new session for an expired one, once for all the requests that found it expired.
    func reinitialize(after expired: String?) async throws {
        if let running = reinitializing { return try await running.value }
        // Another request already started a new session, unless the last attempt failed: then try again.
        guard sessionID == expired || sessionLost else { return }
        let task = Task { try await self.replayInitialize() }
        reinitializing = task
        defer { reinitializing = nil }
        try await task.value
    }

    private func replayInitialize() async throws {
        guard !closing, let (id, replay) = try replayedInitialize() else {
            throw UpstreamFailure(description: "The server ended the MCP session before it started.")
        }
        sessionID = nil
        sessionLost = true
        lastEventID = nil
        let response = try await send("POST", body: replay, headers: [],
                                      deadline: config.shortDeadline, idle: config.shortDeadline, mayAskPerson: false)
        guard (200..<300).contains(response.status) else { throw await httpFailure(response, answering: nil) }
        sessionID = response.value("Mcp-Session-Id").flatMap(Self.validSessionID)
        let answer = try await relay(response, answering: id, deliver: false, limit: config.initializeDeadline)
        negotiatedVersion = Self.protocolVersion(in: answer) ?? negotiatedVersion
        sessionLost = false
        if let sessionID { lastReinitialize = (sessionID, ContinuousClock.now) }
        if let initialized = initializedNotification {
            _ = try? await send("POST", body: initialized, headers: sessionHeaders, deadline: config.shortDeadline,
                                idle: config.shortDeadline, mayAskPerson: false)
        }
        hooks.diagnostic("the server ended the MCP session; a new one was started")
    }

    /// The GET stream: messages the server sends outside any request, resumed after a drop with
    /// `Last-Event-ID`. A server without one answers 405 (or 404 right after a new session), and the bridge
    /// stops asking.
    func startGetStream() {
        guard getStream == nil, !getStreamUnsupported, !closing, sessionID != nil else { return }
        getStream = Task { await self.runGetStream() }
    }

    private func runGetStream() async {
        var delay = Duration.seconds(1)
        while !Task.isCancelled, !closing {
            do {
                let sent = sessionID
                var headers = sessionHeaders
                if let lastEventID { headers.append(("Last-Event-ID", lastEventID)) }
                let response = try await send("GET", body: nil, headers: headers, accept: "text/event-stream",
                                              deadline: config.shortDeadline, idle: nil, mayAskPerson: false)
                switch response.status {
                case 405:
                    getStreamUnsupported = true
                    getStream = nil
                    return
                case 404 where sent != nil:
                    guard mayReinitialize(for: sent!) else {
                        // A fresh session's GET refused too: this server has no GET stream.
                        getStreamUnsupported = true
                        getStream = nil
                        return
                    }
                    try await reinitialize(after: sent!)
                case 200..<300:
                    delay = .seconds(1)
                    try await readMessages(response, eventID: { self.lastEventID = Self.validEventID($0) },
                                           retry: { delay = .milliseconds(min(max($0, 100), 60_000)) }) {
                        out.write($0.raw)
                    }
                default:
                    throw await httpFailure(response, answering: nil)
                }
            } catch is CancellationError {
                return
            } catch {
                if closing { return }
                hooks.diagnostic("the server's event stream broke (\(hooks.explain(error))); reconnecting")
            }
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(30))
        }
    }

    /// The 2026-07-28 wire: each request on its own, with the client's `_meta`, and the headers set from it.
    func exchangeModern(_ message: RPCMessage) async throws {
        guard let id = message.id, let method = message.method else { return }
        let response = try await post(message.raw, headers: Self.modernHeaders(version: message.envelopeVersion ?? ModernClient.version,
                                                                                method: method, name: message.name))
        try await relay(response, answering: id)
        if era == .undecided { era = .modern }
    }

    static func modernHeaders(version: String, method: String, name: String?) -> [(String, String)] {
        var headers = [("MCP-Protocol-Version", ModernClient.headerValue(version)), ("Mcp-Method", ModernClient.headerValue(method))]
        if let name { headers.append(("Mcp-Name", ModernClient.headerValue(name))) }
        return headers
    }

    static func protocolVersion(in answer: Data) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: answer) as? [String: Any],
              let version = (object["result"] as? [String: Any])?["protocolVersion"] as? String,
              version.count <= 40, version.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") }) else { return nil }
        return version
    }

    /// A session id must be visible ASCII (the transport says so): anything else is not sent back.
    static func validSessionID(_ id: String) -> String? {
        id.count <= 256 && !id.isEmpty && id.unicodeScalars.allSatisfy { $0.value >= 0x21 && $0.value <= 0x7E } ? id : nil
    }

    /// An SSE event id goes back in a header: printable ASCII only, bounded; anything else is forgotten.
    static func validEventID(_ id: String) -> String? {
        id.count <= 256 && id.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value <= 0x7E } ? id : nil
    }
}
