import Foundation

/// What a person asks for when adding a connection (from the command line or the Add form).
public struct NewConnection: Sendable, Equatable {
    public var name: String
    public var url: String
    public var kind: AuthScheme.Kind
    public var clientID: String?
    public var clientSecret: String?
    public var scopes: [String]
    public var bearerToken: String?
    public var clientMetadataURL: String?
    /// The redirect URI's port; nil lets the first sign-in choose one and keep it.
    public var redirectPort: Int?
    /// The authorization server (issuer) `clientSecret` is bound to, found or named when it is entered;
    /// required with a secret.
    public var clientIssuer: String?

    public init(name: String, url: String, kind: AuthScheme.Kind = .oauthDynamic, clientID: String? = nil,
                clientSecret: String? = nil, scopes: [String] = [], bearerToken: String? = nil,
                clientMetadataURL: String? = nil, redirectPort: Int? = nil, clientIssuer: String? = nil) {
        self.redirectPort = redirectPort
        self.clientIssuer = clientIssuer
        self.name = name
        self.url = url
        self.kind = kind
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.scopes = scopes
        self.bearerToken = bearerToken
        self.clientMetadataURL = clientMetadataURL
    }

    /// The checks `switchboard add` and the Add form share; the first problem found, worded for a person.
    public func validate() throws(InvalidInput) -> URL {
        try Connection.validateName(name)
        let url = try ServerURL.parse(url)
        switch kind {
        case .oauthManual:
            guard let clientID, !clientID.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw InvalidInput("the `oauth` scheme needs `--client-id`: the id of the client you registered in the provider's dashboard")
            }
        case .bearer:
            guard let bearerToken, !bearerToken.isEmpty else {
                throw InvalidInput("the `bearer` scheme needs a token on standard input, e.g. from a file: `< token.txt`")
            }
            try BearerToken.validate(bearerToken)
        case .oauthDynamic, .none:
            break
        }
        if kind != .oauthManual, clientID != nil { throw InvalidInput("`--client-id` goes with `--scheme oauth` only") }
        if kind != .oauthManual, clientSecret != nil { throw InvalidInput("a client secret goes with `--scheme oauth` only") }
        if clientSecret != nil, clientIssuer == nil { throw NewConnection.unboundSecret }
        if let redirectPort { try AuthScheme.validateRedirectPort(redirectPort) }
        if let clientMetadataURL {
            guard let u = URL(string: clientMetadataURL), u.scheme == "https", u.path.count > 1 else {
                throw InvalidInput("the client metadata URL must be an https URL with a path, e.g. https://example.com/switchboard/client.json")
            }
        }
        return url
    }

    /// A client secret is stored only with the authorization server it belongs to: trusted on first use, it
    /// could go to whichever server the metadata names before the first sign-in (over the device flow, with
    /// no step in a browser).
    public static let unboundSecret = InvalidInput(
        "a client secret is stored only with the authorization server it belongs to; give it with `--issuer URL`, or let Switchboard find it (the server must be reachable)")
}
