import Canvas
import Foundation
import SwitchboardModel
import SwitchboardText

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
