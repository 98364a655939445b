import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SwitchboardCore
import Synchronization

/// `HTTPTransport` over AsyncHTTPClient: a deadline per request, no automatic redirects, capped bodies,
/// keep-alive connections, and `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` (never for loopback).
public final class AsyncHTTPTransport: HTTPTransport, HTTPStreamingTransport {
    public struct Options: Sendable {
        public var timeout: Duration = .seconds(10)
        public var maxBodyBytes: Int = 1 << 20
        public var proxy: ProxySettings = .fromEnvironment()
        public init() {}
    }

    private let options: Options

    /// Clients live for the whole process (AsyncHTTPClient must be shut down before it is released, and a
    /// command ends by exiting): one direct, and one per proxy. Per-request deadlines carry the timeout.
    private static let baseConfiguration: HTTPClient.Configuration = {
        var config = HTTPClient.Configuration(redirectConfiguration: .disallow,
                                              timeout: HTTPClient.Configuration.Timeout(connect: .seconds(10), read: .seconds(60)))
        config.connectionPool = .init(idleTimeout: .seconds(30))
        return config
    }()
    private static let direct = HTTPClient(eventLoopGroupProvider: .singleton, configuration: baseConfiguration)
    /// Streams (the bridge's answers and its GET stream): a server may stay quiet while a tool runs, so the
    /// read timeout is the caller's (none for a GET stream, which may idle for hours).
    private static func streamingConfiguration(idle: Duration?) -> HTTPClient.Configuration {
        var config = baseConfiguration
        config.timeout = HTTPClient.Configuration.Timeout(connect: .seconds(10), read: idle.map { TimeAmount.seconds($0.components.seconds) })
        // A server that refuses the connection is down: say so now (the MCP client is waiting), rather than
        // retrying until the connect timeout.
        config.connectionPool.retryConnectionEstablishment = false
        return config
    }
    private static let proxied = Mutex<[String: HTTPClient]>([:])

    /// One client per proxy and read timeout, for the life of the process.
    private static func client(proxy: (host: String, port: Int)?, idle: Duration?) -> HTTPClient {
        proxied.withLock { clients in
            let key = "\(proxy.map { "\($0.host):\($0.port)" } ?? "direct") \(idle.map { "\($0.components.seconds)" } ?? "-")"
            if let c = clients[key] { return c }
            var config = streamingConfiguration(idle: idle)
            if let proxy { config.proxy = .server(host: proxy.host, port: proxy.port) }
            let c = HTTPClient(eventLoopGroupProvider: .singleton, configuration: config)
            clients[key] = c
            return c
        }
    }

    private static func client(proxy: (host: String, port: Int)) -> HTTPClient {
        proxied.withLock { clients in
            let key = "\(proxy.host):\(proxy.port)"
            if let c = clients[key] { return c }
            var config = baseConfiguration
            config.proxy = .server(host: proxy.host, port: proxy.port)
            let c = HTTPClient(eventLoopGroupProvider: .singleton, configuration: config)
            clients[key] = c
            return c
        }
    }

    public init(options: Options = Options()) {
        self.options = options
    }

    /// Nothing to release: the clients are shared for the life of the process.
    public func shutdown() async {}

    private static func request(_ spec: HTTPRequestSpec) throws -> HTTPClientRequest {
        guard ServerURL.isAllowedEndpoint(spec.url) else { throw HTTPTransportError.refusedInsecure(spec.url) }
        // AsyncHTTPClient refuses the same values, but its error quotes them, and a header is often a token.
        if let bad = spec.headers.first(where: { !isSendable(headerValue: $0.1) }) {
            throw HTTPTransportError.refusedHeader(spec.url, name: bad.0)
        }
        var request = HTTPClientRequest(url: spec.url.absoluteString)
        request.method = HTTPMethod(rawValue: spec.method)
        for (k, v) in spec.headers { request.headers.add(name: k, value: v) }
        if request.headers["User-Agent"].isEmpty { request.headers.add(name: "User-Agent", value: "Switchboard/0.1") }
        if let body = spec.body { request.body = .bytes(ByteBuffer(bytes: body)) }
        return request
    }

    /// RFC 9110's field values: no control characters but the tab (the rule AsyncHTTPClient enforces).
    static func isSendable(headerValue: String) -> Bool {
        headerValue.utf8.allSatisfy { $0 == UInt8(ascii: "\t") || ($0 >= 0x20 && $0 != 0x7F) }
    }

    private static func deadline(after duration: Duration) -> NIODeadline {
        let (seconds, attos) = duration.components
        return NIODeadline.now() + .milliseconds(seconds * 1000 + attos / 1_000_000_000_000_000)
    }

    public func send(_ spec: HTTPRequestSpec) async throws -> HTTPResponseSpec {
        let request = try Self.request(spec)
        let client = options.proxy.shouldProxy(spec.url) ? Self.client(proxy: options.proxy.server!) : Self.direct
        let deadline = Self.deadline(after: options.timeout)
        do {
            let response = try await client.execute(request, deadline: deadline)
            let buffer = try await response.body.collect(upTo: options.maxBodyBytes)
            let body = Data(buffer.readableBytesView)
            return HTTPResponseSpec(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) }, body: body)
        } catch {
            throw Self.classify(error, spec, limit: options.maxBodyBytes)
        }
    }

    public func stream(_ spec: HTTPRequestSpec, headDeadline: Duration, idleTimeout: Duration?) async throws -> HTTPStreamingResponse {
        let request = try Self.request(spec)
        let client = Self.client(proxy: options.proxy.shouldProxy(spec.url) ? options.proxy.server : nil, idle: idleTimeout)
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, deadline: Self.deadline(after: headDeadline))
        } catch {
            throw Self.classify(error, spec, limit: options.maxBodyBytes)
        }
        // Pulled a chunk at a time by the reader: nothing is read from the socket ahead of it (a server cannot
        // fill memory with a body nobody reads), and dropping the stream cancels the request.
        let sent = spec
        let pull = BodyPull(response.body.makeAsyncIterator())
        let body = AsyncThrowingStream<Data, any Error> {
            do {
                return try await pull.next()
            } catch {
                throw Self.classify(error, sent, limit: 0)
            }
        }
        return HTTPStreamingResponse(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) }, body: body)
    }

    /// One error vocabulary for both kinds of exchange: no library dump reaches a person, and no header value
    /// of the request (a token) reaches a message, whatever the library put in its error.
    static func classify(_ error: any Error, _ spec: HTTPRequestSpec, limit: Int) -> any Error {
        let url = spec.url
        do { throw error } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            return HTTPTransportError.timedOut(url)
        } catch let error as NIOTooManyBytesError {
            _ = error
            return HTTPTransportError.bodyTooLarge(url, limit: limit)
        } catch let error as HTTPTransportError {
            return error
        } catch is CancellationError {
            return CancellationError()
        } catch let error as HTTPClientError where error == .cancelled {
            return CancellationError()
        } catch let error as HTTPClientError {
            // Its `description` includes associated values (header values among them); the short one never does.
            return HTTPTransportError.connectionFailed(url, error.shortDescription)
        } catch {
            return HTTPTransportError.connectionFailed(url, withoutHeaderValues("\(error)", spec.headers))
        }
    }

    /// `text` with every header value of the request (as sent, as Swift would quote it, and each long word of
    /// it, such as the token after `Bearer `) replaced by `…`.
    static func withoutHeaderValues(_ text: String, _ headers: [(String, String)]) -> String {
        var out = text
        for (_, value) in headers {
            let quoted = String(String(reflecting: value).dropFirst().dropLast())
            let words = value.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init).filter { $0.count >= 8 }
            for secret in ([value, quoted] + words).sorted(by: { $0.count > $1.count }) where secret.count >= 4 {
                out = out.replacingOccurrences(of: secret, with: "…")
            }
        }
        return out
    }
}

/// A response body's iterator, advanced by one reader at a time: `AsyncThrowingStream(unfolding:)` calls its
/// closure only after the previous call returned, so the iterator is never touched by two tasks at once.
private final class BodyPull: @unchecked Sendable {
    private var iterator: HTTPClientResponse.Body.AsyncIterator

    init(_ iterator: HTTPClientResponse.Body.AsyncIterator) { self.iterator = iterator }

    func next() async throws -> Data? {
        try await iterator.next().map { Data($0.readableBytesView) }
    }
}

/// `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY`, read once.
public struct ProxySettings: Sendable {
    public var server: (host: String, port: Int)?
    public var noProxy: [String]

    public init(server: (host: String, port: Int)?, noProxy: [String]) {
        self.server = server
        self.noProxy = noProxy
    }

    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) -> ProxySettings {
        let raw = env["HTTPS_PROXY"] ?? env["https_proxy"] ?? env["HTTP_PROXY"] ?? env["http_proxy"]
        let server = raw.flatMap(ServerURL.proxyAddress).map { ($0.host, $0.port ?? 80) }
        let no = (env["NO_PROXY"] ?? env["no_proxy"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty }
        return ProxySettings(server: server, noProxy: no)
    }

    /// Loopback is never proxied; `NO_PROXY` entries match a host or a domain suffix; `*` disables the proxy.
    public func shouldProxy(_ url: URL) -> Bool {
        guard server != nil, let host = url.host?.lowercased() else { return false }
        if ServerURL.isLoopback(host: host) { return false }
        for entry in noProxy {
            if entry == "*" { return false }
            let bare = entry.hasPrefix(".") ? String(entry.dropFirst()) : entry
            if host == bare || host.hasSuffix("." + bare) { return false }
        }
        return true
    }
}
