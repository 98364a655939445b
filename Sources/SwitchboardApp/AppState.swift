import Foundation
import SwitchboardCore

/// Everything the screen shows. Only `reduce` changes it.
public struct AppState: Equatable, Sendable {
    public var connections: [Connection]
    public var selected = 0
    public var scroll = 0
    public var filter = ""
    public var filtering = false
    public var panel: Panel?
    public var now: Date
    public var width = 80
    public var height = 24
    public var message: String?
    public var quitting = false
    /// Why the browser may be on another machine (SSH, no display), or nil when a local browser works.
    public var remote: String?

    public init(connections: [Connection] = [], now: Date) {
        self.connections = connections
        self.now = now
    }

    /// The connections the filter lets through.
    public var visible: [Connection] {
        guard !filter.isEmpty else { return connections }
        return connections.filter { $0.name.localizedCaseInsensitiveContains(filter) || $0.serverURL.absoluteString.localizedCaseInsensitiveContains(filter) }
    }

    public var selectedConnection: Connection? {
        let v = visible
        return v.indices.contains(selected) ? v[selected] : nil
    }

    public var needingAttention: Int { connections.filter { $0.primaryScheme?.status.needsAttention == true }.count }
}

/// The panel over the list, if any.
public enum Panel: Equatable, Sendable {
    case connect(ConnectPanel)
    case disconnect(DisconnectPanel)
    case add(AddForm)
    /// Remove: the connection's name, waiting for y/N.
    case remove(name: String)
    case help
}

/// The live checklist of a Connect or Reconnect.
public struct ConnectPanel: Equatable, Sendable {
    public enum Step: Int, CaseIterable, Sendable {
        case probe, resourceMetadata, authorizationServer, client, browser, callback, exchange, connected

        public var label: String {
            switch self {
            case .probe: "Probe the server"
            case .resourceMetadata: "Protected-resource metadata"
            case .authorizationServer: "Authorization server"
            case .client: "Client"
            case .browser: "Sign in in the browser"
            case .callback: "Callback received"
            case .exchange: "Exchange the code for tokens"
            case .connected: "Connected"
            }
        }
    }

    public var schemeID: String
    public var name: String
    public var reconnect: Bool
    /// Steps done so far, with a note each (e.g. the issuer, "registered", "reused").
    public var done: [Step: String] = [:]
    public var current: Step = .probe
    public var authorizationURL: String?
    public var failure: AcquisitionError?
    public var finished = false
    public var redirectURI: String?
    public var deviceCode: (user: String, uri: String, complete: String?)? {
        get { deviceUser.map { ($0, deviceURI ?? "", deviceComplete) } }
        set { deviceUser = newValue?.user; deviceURI = newValue?.uri; deviceComplete = newValue?.complete }
    }
    var deviceUser: String?
    var deviceURI: String?
    var deviceComplete: String?
    /// Typing the address the browser ended on (paste-back).
    public var pasting = false
    public var pasteText = ""
    public var pasteError: String?
    public var usesDevice = false

    public init(schemeID: String, name: String, reconnect: Bool) {
        self.schemeID = schemeID
        self.name = name
        self.reconnect = reconnect
    }
}

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
