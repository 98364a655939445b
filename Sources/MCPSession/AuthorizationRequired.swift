import Acquisition
import Foundation
import SwitchboardCore

/// The server challenged a request with 401 naming scopes the token lacks, or a request sent without a token.
public struct AuthorizationRequired: Error, Equatable {
    public var scopes: [String]
}
