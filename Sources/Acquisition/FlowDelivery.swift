import Foundation
import SwitchboardCore

/// How a connect flow's final event goes out (`publish`): into the flow's own stream, and to the screens while it
/// is the scheme's current flow, with the status its write put on disk and that write's revision.
typealias FlowDelivery = @Sendable (AcquisitionEvent, SchemeStatus?, Int?) async -> Void
