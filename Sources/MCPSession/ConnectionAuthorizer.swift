import Acquisition
import Foundation
import SwitchboardCore

/// The one place that resolves a connection's credential for an outbound request:
/// OAuth schemes through `validToken(for:)`, bearer schemes from the secret store, nothing for `none`.
public struct ConnectionAuthorizer: Sendable {
    public let connection: Connection
    let actor: TokenKeeper
    let secrets: SecretStore

    public init(connection: Connection, actor: TokenKeeper, secrets: SecretStore) {
        self.connection = connection
        self.actor = actor
        self.secrets = secrets
    }

    /// The bearer token for the next request, or nil when the scheme needs none.
    public func bearer() async throws -> String? {
        guard let scheme = connection.primaryScheme else { return nil }
        switch scheme.kind {
        case .none: return nil
        case .bearer:
            guard let token = try secrets.secrets(for: scheme.id).bearerToken else {
                throw AcquisitionError(.needsReconnect, "No token is stored for \(connection.name).",
                                       remedy: .removeAndAddAgain(connection: connection.name, scheme: "bearer"))
            }
            return token
        case .oauthDynamic, .oauthManual:
            return try await actor.validToken(for: scheme.id)
        }
    }

    /// Sends one request with the credential and answers the server's challenges (see `AuthorizedPoster`):
    /// a plain 401 gets one refresh and one more try; a scope challenge or a moved server is thrown.
    /// `attempt` sends the request with the token it is given; it may be called twice.
    public func exchange<R: Sendable>(isolation: isolated (any Actor)? = #isolation, status: (R) -> Int, challenges: (R) -> [String],
                                      _ attempt: (String?) async throws -> R) async throws -> R {
        var token = try await bearer()
        var response = try await attempt(token)
        if status(response) == 401 {
            let challenge = WWWAuthenticate.bearer(in: challenges(response))
            // Either a new sign-in is needed (thrown), or the token we sent was plainly refused: refresh once.
            let rejected = try await answer(challenge, sentToken: token)
            token = try await afterRejection(of: rejected)
            response = try await attempt(token)
            if status(response) == 401 {
                throw AcquisitionError(.needsReconnect, "\(connection.name) refused a freshly refreshed token.",
                                       remedy: .reconnect(connection: connection.name))
            }
        }
        if status(response) == 403, let challenge = WWWAuthenticate.bearer(in: challenges(response)),
           challenge.error == "insufficient_scope" {
            throw InsufficientScope(scopes: challenge.scopes ?? [])
        }
        return response
    }

    /// Decides what a 401 means before anything is refreshed. Returns the refused token when a refresh is
    /// the answer; throws `AuthorizationRequired` or `AuthorizationServerMoved` when a new sign-in is.
    func answer(_ challenge: AuthChallenge?, sentToken: String?) async throws -> String {
        guard let scheme = connection.primaryScheme, scheme.kind.isOAuth else {
            if connection.primaryScheme?.kind == .bearer {
                throw AcquisitionError(.needsReconnect, "\(connection.name) refused its static token.", remedy: .advice("Replace the token."))
            }
            throw AcquisitionError(.needsReconnect, "\(connection.name) asks for authorization, but it was added with no credential.",
                                   remedy: .removeAndAddAgain(connection: connection.name, scheme: nil))
        }
        // Remembered discovery is stale once the server challenges.
        await actor.forgetDiscoveries()
        let asked = challenge?.scopes ?? []
        guard let sentToken, let held = (try? secrets.secrets(for: scheme.id))?.tokens else { throw AuthorizationRequired(scopes: asked) }
        if let moved = await actor.movedAuthorizationServer(schemeID: scheme.id, challenge: challenge) {
            await actor.markMoved(schemeID: scheme.id, to: moved)
            throw AuthorizationServerMoved(to: moved)
        }
        if !asked.allSatisfy(held.scopes.contains) { throw AuthorizationRequired(scopes: asked) }
        return sentToken
    }

    /// The server refused `token`: refresh once (an OAuth scheme), else the person must reconnect.
    public func afterRejection(of token: String) async throws -> String {
        guard let scheme = connection.primaryScheme, scheme.kind.isOAuth else {
            throw AcquisitionError(.needsReconnect, "\(connection.name) refused its static token.", remedy: .advice("Replace the token."))
        }
        do {
            return try await actor.refresh(schemeID: scheme.id, force: true, rejected: token).accessToken
        } catch let e as AcquisitionError where !e.needsReconnect {
            throw e
        } catch {
            throw AcquisitionError(.needsReconnect, "\(connection.name) refused the token and it could not be refreshed.",
                                   remedy: .reconnect(connection: connection.name))
        }
    }
}
