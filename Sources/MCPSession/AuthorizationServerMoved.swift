import Acquisition
import Foundation
import SwitchboardCore

/// The protected-resource metadata now names another authorization server (SEP-2352).
public struct AuthorizationServerMoved: Error, Equatable {
    public var to: String
}
