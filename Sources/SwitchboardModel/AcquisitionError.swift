import Foundation

/// A failure of the engine, worded for a person: what failed, and what to do next as values (`RemedyStep`),
/// which each surface says its own way: a command line in a terminal, a key on the screen.
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
    /// What to do next, in order; empty when the message says all there is.
    public var remedies: [RemedyStep]

    public init(_ code: Code, _ message: String, remedy: Remedy? = nil) {
        self.init(code, message, remedies: remedy.map { [RemedyStep($0)] } ?? [])
    }

    public init(_ code: Code, _ message: String, remedies: [RemedyStep]) {
        self.code = code
        self.message = message
        self.remedies = remedies
    }

    /// The remedies as `say` words each one (a command line, a key); nil when there are none.
    public func remedy(_ say: (Remedy) -> String) -> String? {
        remedies.isEmpty ? nil : RemedyStep.say(remedies, with: say)
    }

    /// The remedies as a terminal says them (command lines), for the command line, logs and the bridge.
    public var remedyText: String? { remedy(\.sentence) }

    /// Whether the person must sign in again.
    public var needsReconnect: Bool { code == .needsReconnect }

    /// The message and its remedies in a terminal's words (command lines): for logs and the command line.
    public var description: String {
        guard let remedy = remedyText else { return message }
        let ends = message.last.map { ".!?)".contains($0) } ?? true
        return message + (ends ? " " : ". ") + remedy
    }

    public static func network(_ error: any Error, doing what: String) -> AcquisitionError {
        if let e = error as? AcquisitionError { return e }
        if error is CancellationError { return AcquisitionError(.cancelled, "Cancelled.") }
        return AcquisitionError(.network, "\(what) failed: \(error)", remedy: .advice((error as? AdvisedFailure)?.advice ?? "Check the network and try again."))
    }
}
