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
        _ = try await legacyRequest(message.raw, id: id)
        return true
    }

    /// Opens the GET stream and reads up to the `endpoint` event; the rest is relayed by a task.
    func connectLegacy() async throws -> Bool {
        let response = try await send("GET", body: nil, headers: [], accept: "text/event-stream", deadline: config.shortDeadline)
        guard (200..<300).contains(response.status),
              (response.value("Content-Type")?.lowercased() ?? "").hasPrefix("text/event-stream") else { return false }
        let (events, continuation) = AsyncStream.makeStream(of: URL?.self)
        let base = config.serverURL
        legacyStream?.cancel()
        legacyStream = Task {
            var announced = false
            do {
                var parser = SSEParser()
                var since = 0
                for try await chunk in response.body {
                    since += chunk.count
                    if since > config.maxMessageBytes { throw UpstreamFailure(description: "the server sent a message over the limit") }
                    for event in parser.feed(chunk) {
                        since = 0
                        if event.event == "endpoint", !announced {
                            announced = true
                            continuation.yield(Self.legacyEndpoint(event.data, base: base))
                            continuation.finish()
                        } else if event.event == "message", announced, !event.data.isEmpty {
                            deliverLegacy(try Self.serverMessage(Data(event.data.utf8)))
                        }
                    }
                }
            } catch {
                if !closing { hooks.diagnostic("the server's HTTP+SSE stream broke (\(hooks.explain(error)))") }
            }
            continuation.finish()
            legacyStreamEnded()
        }
        var endpoint: URL?
        for await announced in events {
            endpoint = announced
            break
        }
        guard let endpoint else {
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
            waiter.resume(returning: message.raw)
            if id.json.hasPrefix("\"switchboard-") { return }    // the bridge's own replayed initialize
        }
        out.write(message.raw)
    }

    func legacyStreamEnded() {
        legacyEndpoint = nil
        legacyStream = nil
        for waiter in legacyWaiters.values {
            waiter.resume(throwing: UpstreamFailure(description: "\(Redact.url(config.serverURL)) closed its event stream before answering."))
        }
        legacyWaiters = [:]
    }

    /// POSTs a message to the endpoint; a request's answer arrives on the stream. A dropped stream is
    /// opened again first, with the client's `initialize` and `notifications/initialized` replayed.
    func sendLegacy(_ raw: Data) async throws {
        if legacyEndpoint == nil { try await reopenLegacy() }
        guard let endpoint = legacyEndpoint else { throw UpstreamFailure(description: "The server's event stream is closed.") }
        let response = try await send("POST", body: raw, headers: [], url: endpoint, deadline: config.shortDeadline)
        guard (200..<300).contains(response.status) else { throw await httpFailure(response, answering: nil) }
        _ = try? await response.collect(upTo: 64 << 10)
    }

    /// Sends a request and waits for its answer on the stream.
    func legacyRequest(_ raw: Data, id: RPCID) async throws -> Data {
        try await withCheckedThrowingContinuation { continuation in
            // A client that reuses an id while its request is open gets the older one failed, not lost.
            legacyWaiters.updateValue(continuation, forKey: id)?.resume(throwing: UpstreamFailure(description: "The client sent a second request with the same id."))
            Task {
                do { try await self.sendLegacy(raw) } catch { self.legacyWaiters.removeValue(forKey: id)?.resume(throwing: error) }
            }
        }
    }

    private func reopenLegacy() async throws {
        guard try await connectLegacy(), let original = initializeRequest,
              var object = try JSONSerialization.jsonObject(with: original) as? [String: Any] else {
            throw UpstreamFailure(description: "\(Redact.url(config.serverURL)) no longer offers its event stream.")
        }
        let id = nextInternalID("reinitialize")
        object["id"] = String(id.json.dropFirst().dropLast())
        _ = try await legacyRequest(try JSONSerialization.data(withJSONObject: object), id: id)
        if let initialized = initializedNotification, let endpoint = legacyEndpoint {
            _ = try? await send("POST", body: initialized, headers: [], url: endpoint, deadline: config.shortDeadline)
        }
        hooks.diagnostic("the server's event stream was opened again and the session re-initialized")
    }
}
