import Acquisition
import Foundation
import SwitchboardCore

extension Bridge {
    /// One authorized HTTP exchange with the server: the engine's current token, one refresh on a plain
    /// 401; a scope or moved-server challenge, or a grant that can no longer be refreshed, is handed to
    /// `hooks.challenge` (a new sign-in, at most once per request) when `mayAskPerson`: a client's request may
    /// wait for a person, the GET stream and closing the session may not. `idle` bounds each silence of the
    /// answer (nil for a stream that may idle for as long as the server has nothing to say).
    func send(_ method: String, body: Data?, headers: [(String, String)], url: URL? = nil, accept: String = "application/json, text/event-stream",
              deadline: Duration, idle: Duration?, mayAskPerson: Bool = true) async throws -> HTTPStreamingResponse {
        let target = url ?? config.serverURL
        var signedIn = false
        while true {
            do {
                return try await authorizer.exchange(status: { (r: HTTPStreamingResponse) in r.status }, challenges: { $0.values("WWW-Authenticate") }) { token in
                    var all = [("Accept", accept)]
                    if body != nil { all.append(("Content-Type", "application/json")) }
                    all += headers
                    if let token { all.append(("Authorization", "Bearer \(token)")) }
                    do {
                        StartTrace.mark("stream")
                        let r = try await http.stream(HTTPRequestSpec(method: method, url: target, headers: all, body: body),
                                                     headDeadline: deadline, idleTimeout: idle)
                        StartTrace.mark("head")
                        return r
                    } catch is CancellationError {
                        throw CancellationError()
                    } catch {
                        throw AcquisitionError.network(error, doing: "Talking to \(Redact.url(target))")
                    }
                }
            } catch where mayAskPerson && Self.needsPerson(error) && !signedIn && !closing {
                guard await hooks.challenge(error) else { throw error }
                signedIn = true
            }
        }
    }

    /// A request's exchange: answered within `config.answerDeadline` of silence.
    func post(_ body: Data, headers: [(String, String)], url: URL? = nil) async throws -> HTTPStreamingResponse {
        try await send("POST", body: body, headers: headers, url: url, deadline: config.answerDeadline, idle: config.answerDeadline)
    }

    /// Relays a server's answer to request `id`: each message as it arrives (server requests and notifications
    /// come before the answer on an SSE stream), until the answer, which is returned. A reader task goes on
    /// after the answer until the server ends the stream (so its connection is kept alive), without holding
    /// the caller. `deliver: false` keeps every message from the client (the bridge's own requests).
    /// `limit` bounds the whole wait (an `initialize`, a replay); a request's answer may take as long as it needs.
    @discardableResult
    func relay(_ response: HTTPStreamingResponse, answering id: RPCID, deliver: Bool = true, limit: Duration? = nil,
               rewrite: (@Sendable (Data) -> Data)? = nil) async throws -> Data {
        guard (200..<300).contains(response.status), response.status != 202 else {
            throw await httpFailure(response, answering: id)
        }
        let url = config.serverURL
        guard (response.value("Content-Type")?.lowercased() ?? "").hasPrefix("text/event-stream") || limit != nil else {
            // A JSON answer to a request is one message, complete when read: no stream to drain behind the caller.
            var answer: Data?
            try await readMessages(response) { message in
                if message.answers(id) {
                    answer = rewrite?(message.raw) ?? message.raw
                    if deliver { out.write(answer!) }
                } else if deliver {
                    out.write(message.raw)
                }
            }
            guard let answer else { throw UpstreamFailure(description: "\(Redact.url(url)) answered without answering.") }
            return answer
        }
        let answer = OneShot<Data>()
        let reader = Task {
            do {
                try await readMessages(response) { message in
                    if message.answers(id), !answer.isSettled {
                        let data = rewrite?(message.raw) ?? message.raw
                        // Written only when it is still awaited (not after a timeout answered the client).
                        if answer.settle(.success(data)), deliver { out.write(data) }
                    } else if deliver {
                        out.write(message.raw)
                    }
                }
                answer.settle(.failure(UpstreamFailure(description: "\(Redact.url(url)) closed its answer before answering.")))
            } catch {
                answer.settle(.failure(error))
            }
        }
        return try await answer.wait(limit: limit, what: "the answer from \(Redact.url(url))", onCancel: { reader.cancel() })
    }

    /// A server's error answer: its JSON-RPC error when it sent one (given the request's id when the server
    /// left it null, so the client can match it), else an error that names the HTTP status. The body is read
    /// for at most `config.shortDeadline` and 64 KiB.
    func httpFailure(_ response: HTTPStreamingResponse, answering id: RPCID?) async -> any Error {
        let body = (try? await within(config.shortDeadline, "an error answer") { try await response.collect(upTo: 64 << 10) }) ?? Data()
        let spec = HTTPResponseSpec(status: response.status, headers: response.headers, body: body)
        if let id, let first = spec.mcpMessages.first,
           var object = try? JSONSerialization.jsonObject(with: first) as? [String: Any], let error = object["error"] as? [String: Any] {
            object["id"] = nil
            let code = (error["code"] as? NSNumber)?.intValue ?? RPC.upstreamFailed
            let text = error["message"] as? String ?? "error"
            var rpc: [String: Any] = ["code": code, "message": text]
            if let data = error["data"] { rpc["data"] = data }
            if let json = try? JSONSerialization.data(withJSONObject: rpc, options: [.withoutEscapingSlashes]) {
                return ServerRPCError(id: id, error: json, code: code, text: text, status: response.status)
            }
        }
        return UpstreamFailure(description: MCPHTTPError(response: spec, url: config.serverURL).description)
    }

    /// Calls `each` with every JSON-RPC message of a response (a JSON body, or each SSE `message` event),
    /// as it arrives; keeps the SSE event id for the GET stream's resumption. Ends with `CancellationError`
    /// when the reading task was cancelled (a stream ends quietly then, which is not the server's end).
    func readMessages(_ response: HTTPStreamingResponse, eventID: ((String) -> Void)? = nil, retry: ((Int) -> Void)? = nil,
                      _ each: (RPCMessage) throws -> Void) async throws {
        let limit = config.maxMessageBytes
        let isSSE = (response.value("Content-Type")?.lowercased() ?? "").hasPrefix("text/event-stream")
        guard isSSE else {
            let body = try await response.collect(upTo: limit)
            try Task.checkCancellation()
            guard !body.isEmpty else { return }
            try each(try Self.serverMessage(body))
            return
        }
        var parser = SSEParser()
        var sinceEvent = 0
        for try await chunk in response.body {
            sinceEvent += chunk.count
            if sinceEvent > limit { throw UpstreamFailure(description: "\(Redact.url(config.serverURL)) sent a message over \(limit >> 20) MiB.") }
            for event in parser.feed(chunk) {
                sinceEvent = 0
                if let id = event.id { eventID?(id) }
                if let r = event.retry { retry?(r) }
                guard event.event == "message", !event.data.isEmpty else { continue }
                try each(try Self.serverMessage(Data(event.data.utf8)))
            }
        }
        try Task.checkCancellation()
    }

    /// A message from the server, checked before it reaches the client: one JSON-RPC object in UTF-8, on one
    /// line. (JSON in UTF-16 or UTF-32 holds NUL bytes; a UTF-8 byte-order mark is dropped.)
    static func serverMessage(_ data: Data) throws -> RPCMessage {
        var data = data
        if data.starts(with: [0xEF, 0xBB, 0xBF]) { data = data.dropFirst(3) }
        guard !data.contains(0), let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              object["method"] is String || object["result"] != nil || object["error"] != nil else {
            throw UpstreamFailure(description: "The server sent something that is not a JSON-RPC message.")
        }
        // Raw line breaks in JSON can only be whitespace between tokens (inside strings they must be escaped).
        let line = data.contains(0x0A) || data.contains(0x0D) ? Data(data.filter { $0 != 0x0A && $0 != 0x0D }) : Data(data)
        return RPCMessage(raw: line, object: object)
    }
}
