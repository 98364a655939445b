import Foundation
import SwitchboardCore

extension TokenKeeper {
    /// SEP-2352: tokens and client registrations belong to the issuer that issued them. Returns the new
    /// authorization server when the resource's metadata no longer lists the one that issued the stored
    /// tokens; nil when it still does, or when the metadata cannot be read (then nothing is concluded).
    public func movedAuthorizationServer(schemeID: String, challenge: AuthChallenge?) async -> String? {
        guard let (connection, _) = try? scheme(schemeID), let held = (try? loadSecrets(schemeID))?.tokens else { return nil }
        guard let listed = await Discovery(http: env.http).currentAuthorizationServers(serverURL: connection.serverURL, challenge: challenge),
              let first = listed.first else { return nil }
        if Issuer.listed(held.issuer, in: listed) != nil { return nil }
        discoveries[connection.serverURL.absoluteString] = nil
        return first
    }

    /// Records that the server moved: the old tokens go (they belong to the old issuer) and the scheme
    /// shows expired with the reason, so `token`, `headers` and the screen ask for a reconnect.
    public func markMoved(schemeID: String, to issuer: String) async {
        guard let (connection, _) = try? scheme(schemeID) else { return }
        note(.serverMoved, schemeID, connection: connection.name) { $0.issuer = Redact.serverText(issuer, limit: 120) }
        try? await expire(schemeID, reason: Self.movedError(connection.name, to: issuer).message, dropTokens: true)
    }

    /// The error a non-interactive command reports when the server moved (exit 3: needs reconnect).
    public static func movedError(_ name: String, to issuer: String) -> AcquisitionError {
        AcquisitionError(.needsReconnect,
                         "The server moved to a new authorization server (\(Redact.serverText(issuer, limit: 80))).",
                         remedies: [RemedyStep(.reconnect(connection: name), when: "To sign in there"),
                                    RemedyStep(.advice("The old client and tokens are not sent to it."))])
    }
}
