import Canvas
import Foundation
import SwitchboardModel
import SwitchboardText

/// The activity timeline of one connection: nil events while they load; newest first.
public struct TimelinePanel: Equatable, Sendable {
    public var name: String
    public var schemeID: String
    public var events: [ActivityEvent]?
    public var scroll = 0

    public init(name: String, schemeID: String, events: [ActivityEvent]? = nil) {
        self.name = name
        self.schemeID = schemeID
        self.events = events
    }

    /// Rows of events inside the panel's frame.
    public static func visibleRows(height: Int) -> Int { DoctorPanel.frame(width: 80, height: height).height - 4 }
}
