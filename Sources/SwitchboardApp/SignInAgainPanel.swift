import Canvas
import Foundation
import SwitchboardModel
import SwitchboardText

/// Asks before a Connect replaces a working sign-in.
public struct SignInAgainPanel: Equatable, Sendable {
    public var schemeID: String
    public var name: String
    public var status: SchemeStatus

    public init(schemeID: String, name: String, status: SchemeStatus) {
        self.schemeID = schemeID
        self.name = name
        self.status = status
    }
}
