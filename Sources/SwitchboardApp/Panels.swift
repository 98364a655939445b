import Canvas
import Foundation
import SwitchboardModel
import SwitchboardText

/// The panel over the list, if any.
public enum Panel: Equatable, Sendable {
    case connect(ConnectPanel)
    case disconnect(DisconnectPanel)
    case add(AddForm)
    /// Use a client the person registered in the provider's dashboard.
    case client(ClientForm)
    /// Remove: the connection's name, waiting for y/N.
    case remove(name: String)
    /// `c` on a connection that is connected: sign in again? y/N.
    case signInAgain(SignInAgainPanel)
    /// Every key; `scroll`: the first line shown.
    case help(scroll: Int)
    /// The doctor's report for a connection: nil lines while it runs.
    case doctor(DoctorPanel)
    /// A connection's activity, newest first, updating while open.
    case timeline(TimelinePanel)
}

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

/// The doctor view: discovery replayed without signing in, one line per finding, scrollable.
public struct DoctorPanel: Equatable, Sendable {
    public var name: String
    public var lines: [String]?
    public var scroll = 0

    public init(name: String, lines: [String]? = nil) {
        self.name = name
        self.lines = lines
    }
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
    /// Whether the authorization server offers the device code flow (nil until discovery says).
    public var deviceFlowOffered: Bool?
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
    /// When the new token expires (shown in the person's time zone by the view).
    public var connectedUntil: Date?

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

extension DoctorPanel {
    /// The panel's frame at a screen size: under the header, over the footer.
    public static func frame(width: Int, height: Int) -> Rect {
        let w = min(width, 100)
        return Rect(x: (width - w) / 2, y: 1, width: w, height: max(4, height - 2))
    }

    /// Report rows that fit inside the frame.
    public static func visibleLines(height: Int) -> Int { frame(width: 80, height: height).height - 3 }

    /// The report cut to the frame's inner width, keeping its indentation; long lines continue indented.
    public func displayLines(width: Int) -> [String] {
        guard let lines, width > 12 else { return [] }
        var out: [String] = []
        for line in lines.flatMap({ $0.split(separator: "\n", omittingEmptySubsequences: false) }) {
            var rest = Substring(line)
            var first = true
            repeat {
                let room = first ? width : width - 8
                var cut = rest.prefix(room)
                // Break after the last space that leaves a reasonable line, else mid-word (long URLs).
                if cut.count < rest.count, let space = cut.lastIndex(of: " "), cut.distance(from: cut.startIndex, to: space) > room / 2 {
                    cut = rest[rest.startIndex...space]
                }
                out.append((first ? "" : String(repeating: " ", count: 8)) + String(cut))
                rest = rest[cut.endIndex...]
                first = false
            } while !rest.isEmpty
        }
        return out
    }
}
