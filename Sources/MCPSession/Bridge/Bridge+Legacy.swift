import Acquisition
import Foundation
import SwitchboardCore

/// The deprecated HTTP+SSE transport (2024-11-05): a GET stream whose first `endpoint` event names where
/// to POST messages; every answer comes back on the stream. Used when the server answers the client's
/// `initialize` POST with 404 or 405. The endpoint must be on the server's own origin: the token is
/// never sent anywhere else.
extension Bridge {
    /// Opens the stream, sends the client's `initialize` and waits for its answer (which the stream relays).
    /// Returns false when the server does not speak this transport either.
    func openLegacy(initialize message: RPCMessage) async throws -> Bool {
        guard let id = message.id else { return false }
        guard try await connectLegacy() else { return false }
        era = .legacy
        _ = try await legacyRequest(message.raw, id: id, limit: config.initializeDeadline)
        return true
    }

    /// Opens the GET stream and waits (at most `config.shortDeadline`) for the `endpoint` event; the rest of
    /// the stream is relayed by a task. Each stream has a generation, so an old stream ending never touches
    /// the state of the one that replaced it.
    func connectLegacy() async throws -> Bool {
        let response = try await send("GET", body: nil, headers: [], accept: "text/event-stream",
                                      deadline: config.shortDeadline, idle: nil, mayAskPerson: true)
        guard (200..<300).contains(response.status),
              (response.value("Content-Type")?.lowercased() ?? "").hasPrefix("text/event-stream") else { return false }
        legacyGeneration += 1
        let generation = legacyGeneration
        let announced = OneShot<URL?>()
        let base = config.serverURL
        legacyStream?.cancel()
        legacyStream = Task {
            do {
                var parser = SSEParser()
                var since = 0
                for try await chunk in response.body {
                    since += chunk.count
                    if since > config.maxMessageBytes { throw UpstreamFailure(description: "the server sent a message over the limit") }
                    for event in parser.feed(chunk) {
                        since = 0
                        if event.event == "endpoint", !announced.isSettled {
                            announced.settle(.success(Self.legacyEndpoint(event.data, base: base)))
                        } else if event.event == "message", announced.isSettled, !event.data.isEmpty {
                            deliverLegacy(try Self.serverMessage(Data(event.data.utf8)))
                        }
                    }
                }
            } catch {
                if !closing, !Task.isCancelled { hooks.diagnostic("the server's HTTP+SSE stream broke (\(hooks.explain(error)))") }
            }
            announced.settle(.success(nil))
            legacyStreamEnded(generation)
        }
        guard let endpoint = try await announced.wait(limit: config.shortDeadline, what: "the server's message endpoint") else {
            legacyStream?.cancel()
            throw UpstreamFailure(description: "\(Redact.url(base)) opened an event stream but named no message endpoint on its own origin.")
        }
        legacyEndpoint = endpoint
        return true
    }

    /// Resolves the `endpoint` event's URI against the server, on the same origin only.
    static func legacyEndpoint(_ data: String, base: URL) -> URL? {
        guard data.count < 2048, let url = URL(string: data.trimmingCharacters(in: .whitespaces), relativeTo: base)?.absoluteURL,
              url.scheme == base.scheme, url.host == base.host, url.port == base.port else { return nil }
        return url
    }

    func deliverLegacy(_ message: RPCMessage) {
        if let id = message.id, message.kind == .response, let waiter = legacyWaiters.removeValue(forKey: id) {
            waiter.settle(.success(message.raw))
            if internalIDs.remove(id) != nil { return }    // the bridge's own replayed initialize
        }
        out.write(message.raw)
    }

    func legacyStreamEnded(_ generation: Int) {
        guard generation == legacyGeneration else { return }
        legacyEndpoint = nil
        legacyStream = nil
        for waiter in legacyWaiters.values {
            waiter.settle(.failure(UpstreamFailure(description: "\(Redact.url(config.serverURL)) closed its event stream before answering.")))
        }
        legacyWaiters = [:]
    }

    /// POSTs a message to the endpoint; a request's answer arrives on the stream. A dropped stream is
    /// opened again first (once for all who find it dropped), with the client's `initialize` and
    /// `notifications/initialized` replayed.
    func sendLegacy(_ raw: Data) async throws {
        if legacyEndpoint == nil { try await reopenLegacy() }
        guard let endpoint = legacyEndpoint else { throw UpstreamFailure(description: "The server's event stream is closed.") }
        let response = try await send("POST", body: raw, headers: [], url: endpoint, deadline: config.shortDeadline, idle: config.shortDeadline)
        guard (200..<300).contains(response.status) else { throw await httpFailure(response, answering: nil) }
        // Read to its end, so the connection stays alive for the next message: within the short deadline in
        // all (the idle timeout alone would let a server sending a byte at a time hold the message forever).
        _ = try? await within(config.shortDeadline, "the server's acceptance of a message") { try await response.collect(upTo: 64 << 10) }
    }

    /// Sends a request and waits for its answer on the stream (at most `limit`; none for a client's request).
    func legacyRequest(_ raw: Data, id: RPCID, limit: Duration? = nil) async throws -> Data {
        let waiter = OneShot<Data>()
        // A client that reuses an id while its request is open gets the older one failed, not lost.
        legacyWaiters.updateValue(waiter, forKey: id)?.settle(.failure(UpstreamFailure(description: "The client sent a second request with the same id.")))
        do {
            try await sendLegacy(raw)
        } catch {
            if legacyWaiters[id] === waiter { legacyWaiters[id] = nil }
            throw error
        }
        return try await waiter.wait(limit: limit, what: "the answer from \(Redact.url(config.serverURL))")
    }

    private func reopenLegacy() async throws {
        if let running = legacyReopening { return try await running.value }
        let task = Task {
            guard try await self.connectLegacy(), let (id, replay) = try self.replayedInitialize() else {
                throw UpstreamFailure(description: "\(Redact.url(self.config.serverURL)) no longer offers its event stream.")
            }
            _ = try await self.legacyRequest(replay, id: id, limit: self.config.initializeDeadline)
            if let initialized = self.initializedNotification, let endpoint = self.legacyEndpoint {
                _ = try? await self.send("POST", body: initialized, headers: [], url: endpoint, deadline: self.config.shortDeadline,
                                         idle: self.config.shortDeadline, mayAskPerson: false)
            }
            self.hooks.diagnostic("the server's event stream was opened again and the session re-initialized")
        }
        legacyReopening = task
        defer { legacyReopening = nil }
        try await task.value
    }
}
