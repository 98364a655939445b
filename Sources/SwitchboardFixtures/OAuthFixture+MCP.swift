import Foundation

extension OAuthFixture {
    /// The MCP endpoint: JSON-RPC over Streamable HTTP, answered as JSON or as an SSE stream.
    func mcp(_ request: FixtureRequest) -> FixtureResponse {
        guard request.method == "POST" else { return .text("method not allowed", status: 405) }
        let bearer = request.header("Authorization").flatMap { $0.lowercased().hasPrefix("bearer ") ? String($0.dropFirst(7)) : nil }
        let parsed = (try? JSONSerialization.jsonObject(with: request.body)) as? [String: Any]
        if let scope = options.challengeAfterInitialize, let rpc = parsed?["method"] as? String {
            if rpc == "initialize" || parsed?["id"] == nil { return answer(parsed, bearer: bearer ?? "") }
            if bearer.map({ !accepts($0) || !self.scope(of: $0).contains(scope) }) ?? true {
                var params = ["scope=\"\(scope)\""]
                if bearer != nil { params.insert("error=\"invalid_token\"", at: 0) }
                if let url = resourceMetadataURL { params.append("resource_metadata=\"\(url)\"") }
                return FixtureResponse(status: 401, headers: [("WWW-Authenticate", "Bearer " + params.joined(separator: ", "))])
            }
        }
        guard let bearer, accepts(bearer) else {
            var params: [String] = []
            if bearer != nil { params.append("error=\"invalid_token\"") }
            if options.layout == .chain, let url = resourceMetadataURL { params.append("resource_metadata=\"\(url)\"") }
            if let scope = options.challengeScope { params.append("scope=\"\(scope)\"") }
            let challenge = "Bearer" + (params.isEmpty ? "" : " " + params.joined(separator: ", "))
            return FixtureResponse(status: 401, headers: [("WWW-Authenticate", challenge), ("Content-Type", "application/json")],
                                   body: Data(#"{"error":"unauthorized"}"#.utf8))
        }
        return answer(parsed, bearer: bearer)
    }

    func answer(_ parsed: [String: Any]?, bearer: String) -> FixtureResponse {
        state.withLock { $0.counters.mcpCalls += 1 }
        guard let message = parsed, let method = message["method"] as? String else {
            return .json(["jsonrpc": "2.0", "id": NSNull(), "error": ["code": -32700, "message": "parse error"]], status: 400)
        }
        guard let id = message["id"] else { return FixtureResponse(status: 202) } // a notification
        if let required = options.requiredScope, method.hasPrefix("tools/"), !scope(of: bearer).contains(required) {
            let wanted = (options.challengeScope.map { [$0] } ?? []) + [required]
            return FixtureResponse(status: 403, headers: [("WWW-Authenticate", "Bearer error=\"insufficient_scope\", scope=\"\(wanted.joined(separator: " "))\"")])
        }
        var result: [String: Any]
        switch method {
        case "initialize":
            let asked = (message["params"] as? [String: Any])?["protocolVersion"] as? String ?? "2025-06-18"
            result = ["protocolVersion": asked, "capabilities": ["tools": ["listChanged": false]],
                      "serverInfo": ["name": decorate("switchboard-fixture", .serverName), "version": decorate("1.0.0", .serverVersion)]]
        case "tools/list":
            result = ["tools": [["name": "echo", "description": decorate("Echoes its text", .toolDescription), "inputSchema": ["type": "object", "properties": ["text": ["type": "string"]]]],
                                ["name": decorate("add", .toolName), "description": "Adds two numbers",
                                 "inputSchema": ["type": "object", "properties": ["a": ["type": "number"], "b": ["type": "number"]], "required": ["a", "b"]]]]]
        case "tools/call":
            let params = message["params"] as? [String: Any] ?? [:]
            let args = params["arguments"] as? [String: Any] ?? [:]
            if params["name"] as? String == "echo" {
                result = ["content": [["type": "text", "text": decorate(args["text"] as? String ?? "", .toolResult)]], "isError": false]
            } else if params["name"] as? String == "add" {
                // Every tool it lists, it answers (the demo's `check` listed `add` and `call add` said unknown tool).
                if let a = (args["a"] as? NSNumber)?.doubleValue, let b = (args["b"] as? NSNumber)?.doubleValue, (a + b).isFinite {
                    let sum = a + b
                    let text = sum == sum.rounded() && abs(sum) < 1e15 ? String(Int64(sum)) : String(sum)
                    result = ["content": [["type": "text", "text": text]], "isError": false]
                } else {
                    result = ["content": [["type": "text", "text": "add takes two numbers, a and b"]], "isError": true]
                }
            } else {
                result = ["content": [["type": "text", "text": "unknown tool"]], "isError": true]
            }
        case "ping":
            result = [:]
        default:
            return reply(["jsonrpc": "2.0", "id": id, "error": ["code": -32601, "message": "method not found"]])
        }
        options.misbehaviour?.value.adjustMCPResult(&result, method: method, params: message["params"] as? [String: Any] ?? [:])
        return reply(["jsonrpc": "2.0", "id": id, "result": result], session: method == "initialize")
    }

    func reply(_ object: [String: Any], session: Bool = false) -> FixtureResponse {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        var headers: [(String, String)] = session ? [("Mcp-Session-Id", nextID("session"))] : []
        if options.sse {
            headers.append(("Content-Type", "text/event-stream"))
            let body = ": fixture\nevent: message\nid: 1\ndata: " + String(decoding: data, as: UTF8.self) + "\n\n"
            return FixtureResponse(status: 200, headers: headers, body: Data(body.utf8))
        }
        headers.append(("Content-Type", "application/json"))
        return FixtureResponse(status: 200, headers: headers, body: data)
    }
}
