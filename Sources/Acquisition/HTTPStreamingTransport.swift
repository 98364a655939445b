import Foundation
import SwitchboardCore

/// HTTP whose response bodies stream: the deadline covers the response head; after it, `idleTimeout` bounds
/// each silence of the body (nil: none, for a stream that may idle as long as the server has nothing to say).
public protocol HTTPStreamingTransport: Sendable {
    func stream(_ request: HTTPRequestSpec, headDeadline: Duration, idleTimeout: Duration?) async throws -> HTTPStreamingResponse
}
