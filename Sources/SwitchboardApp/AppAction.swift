import Canvas
import Foundation
import SwitchboardModel
import SwitchboardText

/// Something that happened, named for what happened.
public enum AppAction: Equatable, Sendable {
    case tick(Date)
    case keyPressed(Key)
    case connectionsLoaded([Connection])
    case acquisition(SchemeUpdate)
    /// The runtime tried to add a connection; nil means it worked.
    case addFinished(error: String?)
    /// A pasted address was refused (the flow keeps waiting); nil: accepted.
    case pasteFinished(error: String?)
    /// A `t` check finished with this one-line summary.
    case checkFinished(name: String, summary: String)
    /// The doctor's report for a connection.
    case doctorFinished(name: String, lines: [String])
    /// A connection's activity, oldest first, as the journal holds it.
    case activityLoaded(schemeID: String, events: [ActivityEvent])
    /// Another process (or this one) added to the activity journal.
    case activityChanged
    /// Something the person should know now (e.g. why `t` signs in again), for the footer.
    case notice(String)
    /// The runtime tried to set a manual client; nil means it worked.
    case setClientFinished(error: String?)
    /// The bridges running now changed (one started, stopped, died, or served more requests).
    case bridgesLoaded([BridgeRecord])
}
