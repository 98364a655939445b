import Foundation

/// The official MCP Python SDK's stdio client (`Tests/InteropServers/bridge_client.py`) in front of
/// `switchboard bridge NAME`, as an MCP client on the person's machine starts it. Commands go to the client
/// as JSON lines; each answer comes back as one.
public final class BridgeClient: Sendable {
    public let child: LineChild
    /// The client's first line: how the session started (`era`, `protocolVersion`).
    public let start: [String: String]

    /// Starts the client, which starts the bridge with `bridgeArguments` (after `switchboard`).
    public static func start(mode: String, bridgeArguments: [String], environment: [String: String] = [:]) async throws -> BridgeClient {
        let python = try await InteropPython.interpreter()
        var env = ProcessInfo.processInfo.environment
        env["SWITCHBOARD_ENCRYPT_SECRETS"] = nil
        for (k, v) in environment { env[k] = v }
        let script = InteropPython.scripts.appendingPathComponent("bridge_client.py").path
        let child = try LineChild(command: [python, script, "--mode", mode, BinaryRunner.binary.path] + bridgeArguments, environment: env)
        guard let first = await child.nextObject(timeout: 60), first["ok"] as? Bool == true else {
            child.kill()
            _ = await child.wait()
            throw InteropPython.Failure("the Python client did not start a session through the bridge: \(child.standardError.suffix(3000))")
        }
        return BridgeClient(child: child, start: first.compactMapValues { $0 as? String })
    }

    init(child: LineChild, start: [String: String]) {
        self.child = child
        self.start = start
    }

    /// Calls a tool; the answer has `ok`, and `text` and `progress`, or `code` and `error`.
    public func call(_ tool: String, _ arguments: [String: Any] = [:]) async throws -> [String: Any] {
        try await command(["op": "call", "tool": tool, "args": arguments])
    }

    public func listTools() async throws -> [String] {
        let answer = try await command(["op": "list"])
        return answer["tools"] as? [String] ?? []
    }

    /// `n` calls one after another; the answer counts `passed` and `failed`.
    public func calls(_ n: Int, _ tool: String, _ arguments: [String: Any] = [:]) async throws -> [String: Any] {
        try await command(["op": "calls", "n": n, "tool": tool, "args": arguments], timeout: 300)
    }

    public func command(_ object: [String: Any], timeout: TimeInterval = 60) async throws -> [String: Any] {
        let line = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        guard let answer = await child.ask(line, timeout: timeout) else {
            throw InteropPython.Failure("the Python client gave no answer to \(line); its stderr: \(child.standardError.suffix(3000))")
        }
        return answer
    }

    /// Ends the session (the client closes the bridge's stdin) and returns the client's exit status.
    public func quit() async -> Int32 {
        child.send(#"{"op": "quit"}"#)
        child.closeInput()
        return await child.wait()
    }

    /// What the client and the bridge wrote on stderr (the bridge's diagnostics reach the client's stderr).
    public var standardError: String { child.standardError }
}
