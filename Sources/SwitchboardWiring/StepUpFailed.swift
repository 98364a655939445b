import Acquisition
import Foundation
import MCPSession
import SwitchboardCore

/// Signing in again did not satisfy the server's challenge (the step-up policy gave up).
public struct StepUpFailed: Error, Sendable {
    public let message: String
}
