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

/// Something for the runtime to do; reducer tests compare arrays of these.
public enum AppEffect: Equatable, Sendable {
    /// `trustNewIssuer`: the person agreed to send their client secret to the server's new authorization server.
    case startConnect(schemeID: String, device: Bool, trustNewIssuer: Bool = false)
    /// Hand a pasted redirect address to the waiting flow.
    case pasteCallback(schemeID: String, text: String)
    case cancelConnect(schemeID: String)
    case disconnect(schemeID: String)
    case openURL(String)
    case addConnection(NewConnection)
    case removeConnection(name: String)
    /// Turn a connection into a manual-client one (`switchboard set-client`).
    case setClient(name: String, clientID: String, clientSecret: String?, redirectPort: Int?)
    /// Talk MCP to the server (initialize, list tools) and record the result for the detail pane.
    case check(name: String)
    /// Replay discovery for a connection without signing in (the doctor) and report back.
    case doctor(name: String)
    /// Read a scheme's activity from the journal.
    case loadActivity(schemeID: String)
    case reload
    case quit
}

