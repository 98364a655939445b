import Foundation
import SwitchboardModel
import SwitchboardText
import SwitchboardSystem

/// Adding and removing connections: the rules that keep the two stores consistent.
public struct ConnectionRegistry: Sendable {
    public let connections: ConnectionStore
    public let secrets: SecretStore

    public init(connections: ConnectionStore, secrets: SecretStore) {
        self.connections = connections
        self.secrets = secrets
    }

    /// Adds a connection with one scheme; a static token or client secret goes to the secret store.
    /// The one rule for a new connection, for `add`, the screen's Add form and `import` (its dry run too): its
    /// name must be new, and so must its server, unless it is a second account (`anotherAccount`). `planned`:
    /// connections a dry run would have added before this one.
    public static func admission(of request: NewConnection, into existing: [Connection], planned: [(name: String, url: String)] = [],
                                 anotherAccount: Bool) -> ConnectionStoreError? {
        if existing.contains(where: { $0.isNamed(request.name) }) || planned.contains(where: { $0.name == request.name }) {
            return .duplicateName(request.name)
        }
        let all = existing.map { ($0.name, ServerURL.canonicalResource($0.serverURL)) }
            + planned.compactMap { p in (try? ServerURL.parse(p.url.trimmingCharacters(in: .whitespaces))).map { (p.name, ServerURL.canonicalResource($0)) } }
        // The URL as `add` stores it (trimmed, checked), so spaces around it cannot slip past the rule.
        if !anotherAccount, let url = try? request.validate(), let same = all.first(where: { $0.1 == ServerURL.canonicalResource(url) }) {
            return .sameServer(name: request.name, existing: same.0)
        }
        return nil
    }

    /// `anotherAccount: false`: a second connection to a server is refused (`admission`); the people-facing
    /// commands pass it, programs that make many connections to one test server do not.
    @discardableResult
    public func add(_ request: NewConnection, anotherAccount: Bool = true) throws -> Connection {
        let url = try request.validate()
        var scheme = AuthScheme(kind: request.kind, clientID: request.clientID?.trimmingCharacters(in: .whitespaces),
                                scopes: request.scopes, clientMetadataURL: request.clientMetadataURL,
                                status: request.kind == .bearer ? .connected(expiresAt: nil) : .notConnected)
        scheme.redirectPort = request.redirectPort
        let connection = Connection(name: request.name, serverURL: url, schemes: [scheme])
        try connections.update { file in
            if file.connection(named: request.name) != nil { throw ConnectionStoreError.duplicateName(request.name) }
            if !anotherAccount, let refused = Self.admission(of: request, into: file.connections, anotherAccount: false) { throw refused }
            file.connections.append(connection)
        }
        if request.bearerToken != nil || request.clientSecret != nil {
            do {
                try secrets.updateScheme(scheme.id) { entry in
                    entry.bearerToken = request.bearerToken
                    entry.manualClientSecret = request.clientSecret
                    entry.manualClientIssuer = request.clientSecret == nil ? nil : request.clientIssuer
                }
            } catch {
                // A failed add stores nothing: take the connection back out.
                try? connections.update { $0.connections.removeAll { $0.id == connection.id } }
                throw error
            }
        }
        return connection
    }

    /// Turns a connection into one that uses a client the person registered by hand (the manual path),
    /// keeping the connection, its redirect port (one is chosen now when it has none) and its history;
    /// stored tokens are dropped, since they belong to the old client. A secret, when given, goes to the
    /// secret store, bound to `clientIssuer` (required with it). Returns the redirect port the client must allow.
    @discardableResult
    public func setManualClient(named name: String, clientID: String, clientSecret: String?, clientIssuer: String? = nil,
                                redirectPort: Int?) throws -> Int {
        let id = clientID.trimmingCharacters(in: .whitespaces)
        guard !id.isEmpty else { throw InvalidInput("give the client id you registered in the provider's dashboard: `--client-id ID`") }
        if clientSecret != nil, clientIssuer == nil { throw NewConnection.unboundSecret }
        if let redirectPort { try AuthScheme.validateRedirectPort(redirectPort) }
        let scheme: AuthScheme = try connections.update { file in
            guard let index = file.index(named: name) else { throw ConnectionStoreError.unknownConnection(name) }
            guard let s = file.connections[index].schemes.first, s.kind.isOAuth else {
                throw InvalidInput("`\(name)` does not use OAuth; only an OAuth connection takes a client id")
            }
            var updated = s
            updated.kind = .oauthManual
            updated.clientID = id
            if let redirectPort { updated.redirectPort = redirectPort }
            if updated.redirectPort == nil { updated.redirectPort = try FreePort.pick() }
            updated.status = .notConnected
            updated.countStatusWrite()
            updated.info.clientID = nil
            file.connections[index].schemes[0] = updated
            return updated
        }
        try secrets.updateScheme(scheme.id) { entry in
            entry.manualClientSecret = clientSecret
            // The secret goes to this authorization server only, from its first use on.
            entry.manualClientIssuer = clientSecret == nil ? nil : clientIssuer
            entry.tokens = nil
        }
        return scheme.redirectPort!
    }

    /// Removes a connection and every secret of its schemes.
    @discardableResult
    public func remove(named name: String) throws -> Connection {
        let removed: Connection = try connections.update { file in
            guard let c = file.connection(named: name) else { throw ConnectionStoreError.unknownConnection(name) }
            file.connections.removeAll { $0.id == c.id }
            return c
        }
        let ids = Set(removed.schemes.map(\.id))
        try secrets.update { file in
            for id in ids { file.schemes[id] = nil }
        }
        return removed
    }

    public func connection(named name: String) throws -> Connection {
        guard let c = try connections.load().connection(named: name) else { throw ConnectionStoreError.unknownConnection(name) }
        return c
    }
}
