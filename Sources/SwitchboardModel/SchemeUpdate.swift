import Foundation

/// An event about one scheme, for subscribers that watch every scheme (the screen).
public struct SchemeUpdate: Equatable, Sendable {
    public var schemeID: String
    public var event: AcquisitionEvent
    /// The scheme's `statusRevision` once the status this event reports is on disk; nil for progress events.
    public var revision: Int?
    /// The scheme's status as the engine set it with this event: the one it wrote for a final event (a failed
    /// connect is `error`, as in the file), the one it shows for progress (`connecting`, `refreshing`), nil when the
    /// event changes none. The screen takes it as it is; it no longer guesses a status from the event.
    public var status: SchemeStatus?
    public init(schemeID: String, event: AcquisitionEvent, revision: Int? = nil, status: SchemeStatus? = nil) {
        self.schemeID = schemeID
        self.event = event
        self.revision = revision
        self.status = status
    }
}
