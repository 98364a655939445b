import Foundation
import Synchronization
import SwitchboardCore

/// RFC 9728 + RFC 8414 / OIDC discovery, with the MCP specification's candidate order.
public struct Discovery: Sendable {
    let http: any HTTPTransport
    let emit: @Sendable (AcquisitionEvent) async -> Void
    /// Receives the steps taken even when discovery fails (the doctor view shows them).
    let sink: TraceSink?
    /// Metadata requests already sent during this run (see `run`).
    let prefetch: Prefetch?

    public init(http: any HTTPTransport, sink: TraceSink? = nil, emit: @escaping @Sendable (AcquisitionEvent) async -> Void = { _ in }) {
        self.init(http: http, sink: sink, prefetch: nil, emit: emit)
    }

    init(http: any HTTPTransport, sink: TraceSink?, prefetch: Prefetch?, emit: @escaping @Sendable (AcquisitionEvent) async -> Void) {
        self.http = http
        self.sink = sink
        self.prefetch = prefetch
        self.emit = emit
    }

    /// Collects discovery's steps.
    public final class TraceSink: Sendable {
        public let steps = Mutex<[DiscoveryStep]>([])
        public init() {}
    }

    public func run(serverURL: URL, cachedIssuer: String? = nil) async throws -> DiscoveryResult {
        var trace: [DiscoveryStep] = []
        defer { sink?.steps.withLock { $0 = trace } }
        await emit(.probing(server: serverURL.absoluteString))
        // While the probe waits for its 401, the documents the common layout will ask for next are already
        // on their way: the path-based protected-resource metadata and the origin's authorization-server
        // metadata. They are used only if discovery asks for exactly those URLs (after the same checks as any
        // fetch, and traced in the same order); otherwise they are dropped. Two round trips fewer per connect.
        let prefetch = Prefetch()
        if let origin = ServerURL.origin(serverURL) {
            for url in [Discovery.resourceMetadataCandidates(for: serverURL).first,
                        Discovery.authorizationServerCandidates(issuer: origin).first].compactMap({ $0 }) where ServerURL.isAllowedEndpoint(url) {
                prefetch.start(url, http: http)
            }
        }
        defer { prefetch.cancelRest() }
        let discovery = Discovery(http: http, sink: sink, prefetch: prefetch, emit: emit)
        let challenge = try await discovery.probe(serverURL, trace: &trace)

        // 1. Protected-resource metadata.
        let prm = try await discovery.resourceMetadata(serverURL: serverURL, challenge: challenge, trace: &trace)

        var resource = ServerURL.canonicalResource(serverURL)
        let issuers: [String]
        if let (url, doc) = prm {
            guard Discovery.resource(doc.resource, matches: serverURL) else {
                throw AcquisitionError(.resourceMismatch,
                    "The protected-resource metadata at \(Redact.url(url)) is for `\(Redact.serverText(doc.resource))`, not for \(resource).",
                    remedy: .advice("Check the server URL; Switchboard will not send tokens to a server that does not claim them."))
            }
            resource = ServerURL.canonicalResource(URL(string: doc.resource) ?? serverURL)
            await emit(.resourceMetadataFound(url: Redact.url(url)))
            issuers = doc.authorizationServers ?? []
            guard !issuers.isEmpty else {
                throw AcquisitionError(.discoveryFailed, "The protected-resource metadata at \(Redact.url(url)) lists no authorization server.",
                                       remedy: .advice("The server is misconfigured; contact its operator."))
            }
        } else {
            await emit(.resourceMetadataMissing)
            issuers = [ServerURL.origin(serverURL)?.absoluteString ?? serverURL.absoluteString]
        }

        // 2. Authorization-server metadata: the first listed server (the cached one on reconnect if still listed).
        let issuer = cachedIssuer.flatMap { Issuer.listed($0, in: issuers) } ?? issuers[0]
        var (metadata, usesDefaults) = try await discovery.authorizationServer(issuer: issuer, legacy: prm == nil, server: serverURL, trace: &trace)
        try Discovery.check(metadata, usesDefaults: usesDefaults, server: serverURL)
        if usesDefaults, metadata.codeChallengeMethodsSupported == nil { metadata.codeChallengeMethodsSupported = ["S256"] }
        await emit(.authorizationServerFound(issuer: metadata.issuer, deviceFlow: metadata.deviceAuthorizationEndpoint != nil))
        return DiscoveryResult(serverURL: serverURL, resource: resource, resourceMetadataURL: prm.map { Redact.url($0.0) },
                               resourceMetadata: prm?.1, challenge: challenge, authorizationServer: metadata,
                               usesDefaultEndpoints: usesDefaults, trace: trace)
    }

    /// The protected-resource metadata: the URL the challenge names, then the well-known candidates in order.
    func resourceMetadata(serverURL: URL, challenge: AuthChallenge?, trace: inout [DiscoveryStep]) async throws -> (URL, ProtectedResourceMetadata)? {
        var candidates: [URL] = []
        if let u = challenge?.resourceMetadata {
            // Another origin is the spec's to allow (the document must then claim this server); this machine,
            // named by a server elsewhere, is not: the well-known places of the server itself are tried instead.
            if ServerURL.endpointRefusal(u, advertisedBy: serverURL) == .thisMachine {
                trace.append(DiscoveryStep(url: Redact.url(u), outcome: "named by the server's challenge, not fetched: it \(ServerURL.EndpointRefusal.thisMachine)"))
            } else {
                candidates.append(u)
            }
        }
        candidates += Discovery.resourceMetadataCandidates(for: serverURL).filter { !candidates.contains($0) }
        for url in candidates {
            if let doc: ProtectedResourceMetadata = try await fetchJSON(url, trace: &trace) { return (url, doc) }
        }
        return nil
    }

    /// The authorization servers the resource names now (nil when it publishes no usable metadata).
    public func currentAuthorizationServers(serverURL: URL, challenge: AuthChallenge?) async -> [String]? {
        var trace: [DiscoveryStep] = []
        guard let found = try? await resourceMetadata(serverURL: serverURL, challenge: challenge, trace: &trace),
              Discovery.resource(found.1.resource, matches: serverURL) else { return nil }
        return found.1.authorizationServers
    }

    /// POST `initialize` without a token; a 401 carries the challenge. A server may let `initialize`
    /// through and challenge only the requests that do something, so an open `initialize` is followed by
    /// an unauthenticated `tools/list` (in the era the server answered in), whose 401 names the real scope.
    func probe(_ serverURL: URL, trace: inout [DiscoveryStep]) async throws -> AuthChallenge? {
        let initialize = Data(#"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"switchboard","version":"\#(SwitchboardVersion.string)"}}}"#.utf8)
        let first = try await post(initialize, to: serverURL, headers: [], label: "POST", trace: &trace)
        if first.status == 401 || first.status == 403 { return WWWAuthenticate.bearer(in: first.values("WWW-Authenticate")) }
        var headers: [(String, String)]
        let body: Data
        if (200..<300).contains(first.status) {
            // The 2025 handshake went through: finish it and ask for the tools in its session.
            let version = Self.negotiatedVersion(first) ?? "2025-11-25"
            headers = [("MCP-Protocol-Version", version)]
            if let session = first.value("Mcp-Session-Id"), session.utf8.count <= 256 { headers.append(("Mcp-Session-Id", session)) }
            _ = try? await post(Data(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#.utf8), to: serverURL, headers: headers,
                                label: "POST (initialized)", trace: &trace)
            body = Data(#"{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}"#.utf8)
        } else {
            // No handshake here: perhaps a 2026-07-28-only server. Ask in that wire.
            headers = [("MCP-Protocol-Version", "2026-07-28"), ("Mcp-Method", "tools/list")]
            body = Data(#"{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}"#.utf8)
        }
        let second = try await post(body, to: serverURL, headers: headers, label: "POST (tools/list)", trace: &trace)
        guard second.status == 401 || second.status == 403 else { return nil }
        return WWWAuthenticate.bearer(in: second.values("WWW-Authenticate"))
    }

    private func post(_ body: Data, to url: URL, headers: [(String, String)], label: String,
                      trace: inout [DiscoveryStep]) async throws -> HTTPResponseSpec {
        let request = HTTPRequestSpec(method: "POST", url: url,
                                      headers: [("Content-Type", "application/json"), ("Accept", "application/json, text/event-stream")] + headers,
                                      body: body)
        do {
            let response = try await http.send(request)
            trace.append(DiscoveryStep(url: label + " " + Redact.url(url), outcome: "\(response.status)"))
            return response
        } catch {
            throw AcquisitionError.network(error, doing: "Reaching \(Redact.url(url))")
        }
    }

    /// The protocol version an `initialize` answer names (a JSON body, or the first `data:` line of an SSE
    /// answer), if it is a plain version token.
    static func negotiatedVersion(_ response: HTTPResponseSpec) -> String? {
        var payload = response.body
        if response.value("Content-Type")?.lowercased().hasPrefix("text/event-stream") == true {
            let line = String(decoding: payload, as: UTF8.self).split(whereSeparator: \.isNewline).first { $0.hasPrefix("data:") }
            payload = Data((line?.dropFirst(5) ?? "").utf8)
        }
        guard let object = try? JSONSerialization.jsonObject(with: payload) as? [String: Any],
              let version = (object["result"] as? [String: Any])?["protocolVersion"] as? String,
              version.count <= 20, version.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "-") }) else { return nil }
        return version
    }

    /// Fetches a JSON document; nil for 404 and other non-success answers (the caller tries the next candidate).
    func fetchJSON<T: Decodable>(_ url: URL, trace: inout [DiscoveryStep]) async throws -> T? {
        let response: HTTPResponseSpec
        do {
            if let early = prefetch?.take(url) {
                response = try await early.value
            } else {
                response = try await http.send(Discovery.metadataRequest(url))
            }
        } catch let error as HTTPTransportError {
            trace.append(DiscoveryStep(url: Redact.url(url), outcome: "\(error)"))
            switch error {
            case .refusedInsecure:
                throw AcquisitionError(.insecureEndpoint, "\(error).", remedy: .advice("The server advertises an insecure address; contact its operator."))
            default:
                throw AcquisitionError(.network, "Fetching metadata failed: \(error).", remedy: .advice(error.advice ?? "Check the network and try again."))
            }
        } catch {
            throw AcquisitionError.network(error, doing: "Fetching \(Redact.url(url))")
        }
        guard (200..<300).contains(response.status) else {
            var outcome = "\(response.status)"
            if (300..<400).contains(response.status) {
                outcome += ", a redirect" + (response.value("Location").map { " to \(Redact.serverText($0, limit: 80))" } ?? "") + " (not followed)"
            }
            trace.append(DiscoveryStep(url: Redact.url(url), outcome: outcome))
            return nil
        }
        if let type = response.value("Content-Type"), !type.lowercased().contains("json") {
            trace.append(DiscoveryStep(url: Redact.url(url), outcome: "200, but \(Redact.serverText(type, limit: 40))"))
            throw AcquisitionError(.discoveryFailed, "\(Redact.url(url)) answered with `\(Redact.serverText(type, limit: 40))`, not JSON.",
                                   remedy: .advice("The server's metadata is misconfigured; contact its operator."))
        }
        do {
            let doc = try JSONDecoder().decode(T.self, from: response.body)
            trace.append(DiscoveryStep(url: Redact.url(url), outcome: "200"))
            return doc
        } catch {
            trace.append(DiscoveryStep(url: Redact.url(url), outcome: "200, but not valid metadata"))
            throw AcquisitionError(.discoveryFailed, "The metadata at \(Redact.url(url)) is not valid JSON metadata.",
                                   remedy: .advice("The server's metadata is malformed; contact its operator."))
        }
    }

    func authorizationServer(issuer: String, legacy: Bool, server: URL?, trace: inout [DiscoveryStep]) async throws -> (AuthorizationServerMetadata, Bool) {
        let refusal = URL(string: issuer).map { ServerURL.endpointRefusal($0, advertisedBy: server) } ?? .insecure
        if refusal == .thisMachine {
            throw AcquisitionError(.insecureEndpoint, "The authorization server `\(Redact.serverText(issuer))` \(ServerURL.EndpointRefusal.thisMachine).",
                                   remedy: .advice("Switchboard will not fetch it for a server elsewhere; the server is misconfigured or hostile: contact its operator."))
        }
        guard refusal == nil, let issuerURL = URL(string: issuer) else {
            throw AcquisitionError(.insecureEndpoint, "The authorization server `\(Redact.serverText(issuer))` is not an https address.",
                                   remedy: .advice("Switchboard only talks to https authorization servers (or loopback)."))
        }
        var rejection: AcquisitionError?
        for url in Discovery.authorizationServerCandidates(issuer: issuerURL) {
            guard let doc: AuthorizationServerMetadata = try await fetchJSON(url, trace: &trace) else { continue }
            if doc.issuer != issuer, Issuer.sameAllowingTrailingSlash(doc.issuer, issuer) {
                // A known quirk, not an impersonation: use the metadata's own issuer from here on (the
                // RFC 9207 `iss` check then compares against it exactly).
                trace[trace.count - 1].outcome = "200; its issuer `\(Redact.serverText(doc.issuer, limit: 80))` differs from `\(Redact.serverText(issuer, limit: 80))` only by a trailing slash, so Switchboard uses the metadata's own issuer"
                return (doc, false)
            }
            guard doc.issuer == issuer else {
                trace[trace.count - 1].outcome = "200, but issuer is `\(Redact.serverText(doc.issuer, limit: 80))`"
                rejection = AcquisitionError(.issuerMismatch,
                    "The metadata at \(Redact.url(url)) names the issuer `\(Redact.serverText(doc.issuer, limit: 80))`, not `\(issuer)`.",
                    remedy: .advice("Switchboard will not use it (RFC 8414 §3.3); the server is misconfigured or being impersonated."))
                continue
            }
            return (doc, false)
        }
        if let rejection { throw rejection }
        if legacy, let origin = ServerURL.origin(issuerURL) {
            // 2025-03-26 servers without any metadata: default endpoints at the origin.
            let base = origin.absoluteString
            return (AuthorizationServerMetadata(issuer: issuer, authorizationEndpoint: base + "/authorize", tokenEndpoint: base + "/token",
                                                registrationEndpoint: base + "/register", codeChallengeMethodsSupported: nil), true)
        }
        // Say what came back, so a redirect (never followed for metadata) or an error status is visible.
        let answers = trace.suffix(Discovery.authorizationServerCandidates(issuer: issuerURL).count)
            .filter { $0.outcome != "404" }.map { "\($0.url) answered \($0.outcome)" }
        throw AcquisitionError(.discoveryFailed, "No authorization-server metadata was found for `\(issuer)`"
                               + (answers.isEmpty ? "." : " (\(answers.joined(separator: "; "))."),
                               remedy: .advice("The server's OAuth setup is incomplete; contact its operator."))
    }

    package static func check(_ m: AuthorizationServerMetadata, usesDefaults: Bool, server: URL? = nil) throws {
        if !usesDefaults {
            guard m.codeChallengeMethodsSupported?.contains("S256") == true else {
                throw AcquisitionError(.pkceUnsupported,
                    "The authorization server \(m.issuer) does not advertise PKCE with S256 (code_challenge_methods_supported).",
                    remedy: .advice("Switchboard requires PKCE, as the MCP specification does; ask the provider to enable it."))
            }
        }
        guard let auth = m.authorizationEndpoint, let token = m.tokenEndpoint else {
            throw AcquisitionError(.discoveryFailed, "The authorization server \(m.issuer) does not list its authorization and token endpoints.",
                                   remedy: .advice("The server's metadata is incomplete; contact its operator."))
        }
        for endpoint in [auth, token] + [m.registrationEndpoint, m.revocationEndpoint, m.deviceAuthorizationEndpoint].compactMap({ $0 }) {
            let refusal = URL(string: endpoint).map { ServerURL.endpointRefusal($0, advertisedBy: server) } ?? .insecure
            if let refusal {
                throw AcquisitionError(.insecureEndpoint, "The authorization server advertises `\(Redact.serverText(endpoint, limit: 80))`, which \(refusal).",
                                       remedy: .advice(refusal == .thisMachine
                                           ? "Switchboard sends nothing to this machine for a server elsewhere; contact the server's operator."
                                           : "Switchboard only sends credentials over https (or to loopback); contact the server's operator."))
            }
        }
    }
}
