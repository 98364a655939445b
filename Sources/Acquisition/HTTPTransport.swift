import Foundation
import SwitchboardCore

/// The engine's only way to the network; live over AsyncHTTPClient, replaceable in tests.
public protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequestSpec) async throws -> HTTPResponseSpec
}
