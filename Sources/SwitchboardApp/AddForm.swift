import Foundation
import SwitchboardModel
import SwitchboardText

/// The Add panel: a small form validated with the same rules as `switchboard add`.
public struct AddForm: Equatable, Sendable {
    public enum Field: Int, CaseIterable, Sendable { case name, url, kind, clientID, token }

    public var name = ""
    public var url = ""
    public var kind: AuthScheme.Kind = .oauthDynamic
    public var clientID = ""
    /// Typed without echo: the view shows one dot per character, never the text.
    public var token = ""
    public var focus: Field = .name
    public var error: String?

    public init() {}

    /// The fields that apply to the chosen kind, in order.
    public var fields: [Field] {
        switch kind {
        case .oauthManual: [.name, .url, .kind, .clientID]
        case .bearer: [.name, .url, .kind, .token]
        case .oauthDynamic, .none: [.name, .url, .kind]
        }
    }

    public var request: NewConnection {
        NewConnection(name: name.trimmingCharacters(in: .whitespaces), url: url.trimmingCharacters(in: .whitespaces), kind: kind,
                      clientID: kind == .oauthManual ? clientID : nil, bearerToken: kind == .bearer ? token : nil)
    }

    mutating func move(_ delta: Int) {
        let list = fields
        let i = list.firstIndex(of: focus) ?? 0
        focus = list[(i + delta + list.count) % list.count]
    }

    mutating func cycleKind(_ delta: Int) {
        let all: [AuthScheme.Kind] = [.oauthDynamic, .oauthManual, .bearer, .none]
        let i = all.firstIndex(of: kind) ?? 0
        kind = all[(i + delta + all.count) % all.count]
    }

    mutating func edit(_ body: (inout String) -> Void) {
        switch focus {
        case .name: body(&name)
        case .url: body(&url)
        case .clientID: body(&clientID)
        case .token: body(&token)
        case .kind: break
        }
        error = nil
    }
}
