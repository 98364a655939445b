import Foundation

/// What a scheme's stored status means at a moment: the file says `connected` until something writes otherwise,
/// but a token whose expiry has passed is not connected, whatever the file says. Every display reads this
/// (the list, the detail pane, `list`, `show`, `status` and its exit code), so none of them can call a lapsed
/// token connected.
public struct Standing: Equatable, Sendable {
    public enum Lapse: Equatable, Sendable {
        /// Not a connected token past its expiry.
        case none
        /// Past its expiry, and the next use (or the scheduler) renews it: nothing for a person to do.
        case renewsOnUse
        /// Past its expiry, and the last attempts to renew it failed (the server is down or unreachable):
        /// Switchboard keeps trying, but a program asking now gets no token.
        case renewalFailing(retryAt: Date?)
        /// Past its expiry, and the server issued no refresh token: only a new sign-in helps.
        case needsSignIn
    }

    public var status: SchemeStatus
    public var lapse: Lapse
    /// When the scheduler renews the token next (connected OAuth schemes with an expiry).
    public var nextRefresh: Date?
    /// The server gave no refresh token: the token ends at its expiry and a sign-in is needed then.
    public var endsAtExpiry: Bool
    let kindIsOAuth: Bool

    public init(_ scheme: AuthScheme, now: Date) {
        status = scheme.status
        lapse = .none
        nextRefresh = nil
        endsAtExpiry = scheme.kind.isOAuth && scheme.info.renewable == false
        kindIsOAuth = scheme.kind.isOAuth
        guard scheme.kind.isOAuth, case .connected(let expiresAt?) = scheme.status else { return }
        if scheme.info.renewable != false {
            nextRefresh = RefreshPolicy.due(expiresAt: expiresAt, lifetime: scheme.info.tokenLifetime,
                                            shortStreak: scheme.info.shortStreak ?? 0, retryAt: scheme.info.retryAt)
        }
        guard expiresAt <= now else { return }
        if scheme.info.renewable == false {
            lapse = .needsSignIn
        } else if Self.renewalFailing(scheme.info) {
            lapse = .renewalFailing(retryAt: scheme.info.retryAt)
        } else {
            lapse = .renewsOnUse
        }
    }

    /// The last renewals failed (the server is down or unreachable, or answered with an error).
    static func renewalFailing(_ info: SchemeInfo) -> Bool {
        (info.refreshFailures ?? 0) > 0 || info.lastRefreshResult == "failed"
    }

    /// Whether a lapse of this scheme's token would need a person (`renewalFailing` or `needsSignIn`).
    static func lapseNeedsPerson(_ info: SchemeInfo) -> Bool { info.renewable == false || renewalFailing(info) }

    /// Whether a person has to act now: the file's expired and error states, and a lapsed token that will not
    /// renew on use.
    public var needsAttention: Bool {
        switch lapse {
        case .none, .renewsOnUse: status.needsAttention
        case .renewalFailing, .needsSignIn: true
        }
    }

    /// The one exit-code rule's question (exit 3): can this scheme give a token only after a person signs in?
    /// An OAuth scheme never connected, expired, in error, or whose token lapsed with no refresh token. `token`,
    /// `headers` and `refresh` fail with 3 for these; `status NAME` exits 3 for the same.
    public var needsSignIn: Bool {
        guard kindIsOAuth else { return false }
        switch status {
        case .notConnected, .connecting, .expired, .error: return true
        case .connected, .refreshing: return lapse == .needsSignIn
        }
    }

    /// The state word for `status --json`: `expired` once the token has lapsed and cannot renew on use.
    public var state: SchemeState {
        switch lapse {
        case .none, .renewsOnUse: status.state
        case .renewalFailing, .needsSignIn: .expired
        }
    }

}

extension AuthScheme {
    /// This scheme's standing at `now` (see `Standing`).
    public func standing(at now: Date) -> Standing { Standing(self, now: now) }
}
