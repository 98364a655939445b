import Foundation
import SwitchboardCore

/// A response whose body arrives as it is sent: the MCP bridge relays server-sent events while the
/// server is still writing (a server request inside a tool call must reach the client before the result).
public struct HTTPStreamingResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    /// The body's chunks; ends when the server ends it. Dropping the iteration cancels the request.
    public var body: AsyncThrowingStream<Data, any Error>

    public init(status: Int, headers: [(String, String)], body: AsyncThrowingStream<Data, any Error>) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// Reads the whole body, up to `limit` bytes (a short answer: an error, a JSON result).
    public func collect(upTo limit: Int) async throws -> Data {
        var out = Data()
        for try await chunk in body {
            out.append(chunk)
            if out.count > limit { throw HTTPTransportError.bodyTooLarge(URL(fileURLWithPath: "/"), limit: limit) }
        }
        return out
    }
}

extension HTTPStreamingResponse: HTTPHeaderLookup {}
