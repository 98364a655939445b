import Canvas
import Foundation
import SwitchboardModel
import SwitchboardText

/// Disconnect: a confirmation, then the result.
public struct DisconnectPanel: Equatable, Sendable {
    public enum Phase: Equatable, Sendable { case confirm, running, done(String) }
    public var schemeID: String
    public var name: String
    public var revokes: Bool
    public var phase: Phase = .confirm

    public init(schemeID: String, name: String, revokes: Bool) {
        self.schemeID = schemeID
        self.name = name
        self.revokes = revokes
    }
}
