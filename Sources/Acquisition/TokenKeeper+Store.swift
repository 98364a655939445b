import Foundation
import SwitchboardCore

extension TokenKeeper {
    /// Fixes the scheme's redirect port (not a secret; the one thing a refused or manual flow keeps).
    func keepRedirectPort(_ schemeID: String, _ port: Int) async {
        guard (try? scheme(schemeID).1.redirectPort) != port else { return }
        let ticket = env.integrations.enqueueScheme(schemeID) { $0.redirectPort = port }
        do { try await ticket.wait() } catch { env.logger.error("could not record the redirect port: \(error)") }
    }

    /// Saves a completed flow's client and tokens (only a complete flow stores anything) and marks it connected.
    func store(grant: TokenClient.Grant, schemeID: String, scheme: AuthScheme, meta: AuthorizationServerMetadata, found: DiscoveryResult,
               client: ClientRegistration, requestedScopes: [String]?, tokenEndpoint: URL) async throws -> StoredGrant {
        let now = env.now()
        let tokens = TokenSet(accessToken: grant.accessToken, refreshToken: grant.refreshToken,
                              expiresAt: grant.expiresIn.map { now.addingTimeInterval($0) },
                              scopes: grant.scope ?? requestedScopes ?? [], resource: found.resource, issuer: meta.issuer, clientID: client.clientID,
                              tokenEndpoint: tokenEndpoint.absoluteString, revocationEndpoint: meta.revocationEndpoint, obtainedAt: now)
        do {
            try env.secrets.updateScheme(schemeID) { entry in
                if scheme.kind == .oauthDynamic { entry.registrations[meta.issuer] = client } else { entry.registrations[meta.issuer] = client.withoutSecret }
                entry.tokens = tokens
                // A person's secret now belongs to this authorization server (the flow got here only if it
                // was bound to none, to this one, or the person agreed to the new one). Only the secret this flow
                // sent: one entered meanwhile (`set-client` in another process) keeps the issuer it was bound to.
                if scheme.kind == .oauthManual, let secret = entry.manualClientSecret, secret == client.clientSecret {
                    entry.manualClientIssuer = meta.issuer
                }
            }
        } catch {
            throw AcquisitionError(.storage, "Could not save the tokens: \(error)", remedy: .advice("Check the permissions of the Switchboard home directory."))
        }
        // Queued here, published by the flow (`publish`): it reports `connected` only once the status is on disk,
        // so a screen that reloads the file after the event reads `connected` too.
        forgetSchedule(schemeID)
        let port = URL(string: client.redirectURI)?.port
        // The redirect URI that worked stays this connection's (a fresh `--new-port` one replaces it).
        let write = writeStatus(schemeID, .connected(expiresAt: tokens.expiresAt), redirectPort: port) { info in
            info.issuer = meta.issuer
            // Shown by `show` and the screen, line by line: the server's values as they can be shown.
            info.clientID = Redact.serverText(client.clientID, limit: 120)
            info.grantedScopes = Redact.serverList(tokens.scopes)
            info.tokenLifetime = Freshness.lifetime(tokens)
            info.lastError = nil
            // A new session: its own schedule, and whether it can renew at all.
            info.renewable = tokens.refreshToken != nil
            info.refreshFailures = nil
            info.retryAt = nil
            info.shortStreak = nil
            info.supportsRevocation = meta.revocationEndpoint != nil
        }
        return StoredGrant(tokens: tokens, status: write)
    }
}

extension ClientRegistration {
    /// A person's client secret lives in `manualClientSecret`; the issuer record keeps the rest.
    var withoutSecret: ClientRegistration {
        var copy = self
        copy.clientSecret = nil
        return copy
    }
}

extension TokenKeeper {
    /// Whether the person's client secret may be sent to `issuer`: it is bound to none yet, or to that one.
    static func secretMayGo(_ secrets: SchemeSecrets, to issuer: String) -> Bool {
        secrets.manualClientIssuer.map { Issuer.sameAllowingTrailingSlash($0, issuer) } ?? true
    }

    /// A client secret a person entered goes only to the authorization server it was first used with.
    /// When the server's metadata names another one, stop: sending `Basic id:secret` to whatever token
    /// endpoint the metadata lists would hand the secret to whoever controls that metadata.
    static func checkSecretIssuer(_ secrets: SchemeSecrets, issuer: String, name: String) throws {
        guard !secretMayGo(secrets, to: issuer), let bound = secrets.manualClientIssuer else { return }
        throw AcquisitionError(.clientIssuerChanged,
            "The client secret you entered for \(name) belongs to \(Redact.serverText(bound, limit: 120)), but the server now names \(Redact.serverText(issuer, limit: 120)) as its authorization server; Switchboard did not send the secret there.",
            remedies: [RemedyStep(.trustNewIssuer(connection: name), when: "If the move is expected and the same client works there"),
                       RemedyStep(.setClient(connection: name, secret: true, issuer: false), when: "If the new server needs its own client")])
    }
}
