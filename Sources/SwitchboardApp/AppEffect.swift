import Canvas
import Foundation
import SwitchboardModel
import SwitchboardText

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
