import Foundation

/// A failure of the engine, worded for a person: what failed, and what to do next.
public struct AcquisitionError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case discoveryFailed, insecureEndpoint, issuerMismatch, resourceMismatch, pkceUnsupported
        case registrationRefused, registrationFailed, portInUse
        case stateMismatch, issuerParameterMismatch, accessDenied, authorizationFailed, callbackTimedOut, cancelled
        case tokenRequestFailed, invalidTokenResponse, needsReconnect, network, notConnected, storage
        /// A person's client secret would go to another authorization server than the one it was first used with.
        case clientIssuerChanged
        /// Another refresh of the same scheme (usually another process) held its lock past the wait.
        case busy
    }

    public var code: Code
    public var message: String
    public var remedy: String?

    public init(_ code: Code, _ message: String, remedy: String? = nil) {
        self.code = code
        self.message = message
        self.remedy = remedy
    }

    /// Whether the person must sign in again.
    public var needsReconnect: Bool { code == .needsReconnect }

    public var description: String {
        guard let remedy else { return message }
        let ends = message.last.map { ".!?)".contains($0) } ?? true
        return message + (ends ? " " : ". ") + remedy
    }

    public static func network(_ error: any Error, doing what: String) -> AcquisitionError {
        if let e = error as? AcquisitionError { return e }
        if error is CancellationError { return AcquisitionError(.cancelled, "Cancelled.") }
        return AcquisitionError(.network, "\(what) failed: \(error)", remedy: (error as? AdvisedFailure)?.advice ?? "Check the network and try again.")
    }
}
