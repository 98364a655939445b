import Acquisition
import Foundation

extension HTTPResponseSpec {
    /// The JSON-RPC messages of an MCP answer: the body itself, or each `message` event of an SSE stream.
    var mcpMessages: [Data] {
        guard !body.isEmpty else { return [] }
        guard (value("Content-Type")?.lowercased() ?? "").hasPrefix("text/event-stream") else { return [body] }
        var parser = SSEParser()
        return (parser.feed(body) + parser.finish()).filter { $0.event == "message" && !$0.data.isEmpty }.map { Data($0.data.utf8) }
    }
}
