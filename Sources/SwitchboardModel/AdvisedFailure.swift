import Foundation

/// A failure to reach a server that knows what the person should do about it: a refused certificate is not
/// fixed by checking the network, so its advice replaces that one.
public protocol AdvisedFailure: Error {
    /// The next step, as a sentence; nil when checking the network is the advice.
    var advice: String? { get }
}
