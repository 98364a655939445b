import Foundation
import SwitchboardCore

/// One sign-in's context: what `prepare` found, passed as one value through the steps of the flow.
struct ConnectFlow: Sendable {
    let connection: Connection
    let scheme: AuthScheme
    let stored: SchemeSecrets
    let found: DiscoveryResult
    let choice: ClientChoice
    let options: ConnectOptions
    let emit: @Sendable (AcquisitionEvent) async -> Void
    /// The flow's identity (`TokenKeeper.connect`): what it holds is keyed by it, not by the scheme.
    var identity: UInt64 = 0

    var schemeID: String { scheme.id }
    var meta: AuthorizationServerMetadata { found.authorizationServer }
    /// Signs in with a device code (RFC 8628) rather than the browser.
    var usesDeviceCode: Bool { options.preferDevice && meta.deviceAuthorizationEndpoint != nil }
}
