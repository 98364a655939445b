import Acquisition
import Foundation
import MCPSession
import SwitchboardCore

/// Signing in again did not satisfy the server's challenge (the step-up policy gave up).
public struct StepUpFailed: Error, Sendable, CustomStringConvertible {
    public let message: String
    /// What to do, as a value (the doctor, when signing in again did not help).
    public var remedy: Remedy? = nil

    /// The message and the remedy as a terminal says it.
    public var description: String {
        message + (remedy.map { " " + RemedyStep.say([RemedyStep($0)], with: \.sentence) } ?? "")
    }
}
