import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import SwitchboardCore
import Synchronization

/// `HTTPTransport` over AsyncHTTPClient: one total deadline per exchange, no automatic redirects, capped bodies,
/// keep-alive connections, `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` (never for loopback), and the trust of
/// `TLSTrust.current` (the system store, `SSL_CERT_FILE`, `SSL_CERT_DIR`, `SWITCHBOARD_CA_FILE`).
public final class AsyncHTTPTransport: HTTPTransport, HTTPStreamingTransport {
    public struct Options: Sendable {
        /// The whole exchange of `send` — connecting, the request, the response head and every byte of its body —
        /// ends within this, whatever the server does (a body sent a byte at a time cannot stretch it). A stream
        /// has the caller's deadlines instead (`stream(_:headDeadline:idleTimeout:)`).
        public var timeout: Duration = .seconds(10)
        public var maxBodyBytes: Int = 1 << 20
        public var proxy: ProxySettings = .fromEnvironment()
        public init() {}
    }

    private let options: Options

    /// Clients live for the whole process (AsyncHTTPClient must be shut down before it is released, and a
    /// command ends by exiting): one per kind (plain or TLS), proxy and read timeout. Per-request deadlines
    /// carry the timeout. TLS clients trust what the environment said when the first https request was made
    /// (a broken trust variable is reported by each https request, see `request`). Plain-HTTP clients never
    /// read the trust: parsing a CA bundle (`SSL_CERT_FILE` often names the system's 150 certificates) costs
    /// a bridge on loopback a millisecond or more of its start for nothing.
    private static func configuration(secure: Bool, idle: Duration?, streaming: Bool) -> HTTPClient.Configuration {
        var config = HTTPClient.Configuration(redirectConfiguration: .disallow,
                                              timeout: HTTPClient.Configuration.Timeout(connect: .seconds(10), read: .seconds(60)))
        config.connectionPool = .init(idleTimeout: .seconds(30))
        if secure, case .success(let trust) = TLSTrust.current { config.tlsConfiguration = trust.configuration }
        // A refused connection or a refused certificate is an answer: say so now, rather than retrying the
        // handshake with backoff until the deadline and then saying the same.
        config.connectionPool.retryConnectionEstablishment = false
        // Streams (the bridge's answers and its GET stream): a server may stay quiet while a tool runs, so the
        // read timeout is the caller's (none for a GET stream, which may idle for hours).
        if streaming {
            config.timeout = HTTPClient.Configuration.Timeout(connect: .seconds(10), read: idle.map { TimeAmount.seconds($0.components.seconds) })
        }
        return config
    }
    private static let clients = Mutex<[String: HTTPClient]>([:])

    /// The client for `url`: TLS or plain by its scheme, through `proxy` if given; `streaming` clients have the
    /// caller's read timeout `idle`.
    private static func client(for url: URL, proxy: (host: String, port: Int)?, streaming: Bool, idle: Duration? = nil) -> HTTPClient {
        let secure = url.scheme?.lowercased() == "https"
        return clients.withLock { clients in
            let key = "\(secure ? "tls" : "plain") \(proxy.map { "\($0.host):\($0.port)" } ?? "direct") \(streaming ? idle.map { "\($0.components.seconds)" } ?? "-" : "send")"
            if let c = clients[key] { return c }
            var config = configuration(secure: secure, idle: idle, streaming: streaming)
            if let proxy { config.proxy = .server(host: proxy.host, port: proxy.port) }
            let c = HTTPClient(eventLoopGroupProvider: .singleton, configuration: config)
            clients[key] = c
            return c
        }
    }

    /// Starts the event loop threads every client runs on, if they are not running yet. A process whose first
    /// request is the one someone waits for (a bridge's first answer) calls this at its start, off that path:
    /// made at the first request, the threads cost it their start (measured: 1 to 2 ms).
    public static func startThreads() {
        _ = MultiThreadedEventLoopGroup.singleton
    }

    public init(options: Options = Options()) {
        self.options = options
    }

    /// Nothing to release: the clients are shared for the life of the process.
    public func shutdown() async {}

    private static func request(_ spec: HTTPRequestSpec) throws -> HTTPClientRequest {
        guard ServerURL.isAllowedEndpoint(spec.url) else { throw HTTPTransportError.refusedInsecure(spec.url) }
        if spec.url.scheme?.lowercased() == "https", case .failure(let problem) = TLSTrust.current {
            throw HTTPTransportError.trustUnusable(spec.url, problem)
        }
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
        let client = Self.client(for: spec.url, proxy: options.proxy.shouldProxy(spec.url) ? options.proxy.server : nil, streaming: false)
        let limit = options.timeout, maxBody = options.maxBodyBytes
        let url = spec.url
        do {
            // The library's deadline ends at the response head; the body is read under the same limit, and the
            // exchange is abandoned (and its connection closed) when it passes.
            return try await withDeadline(limit, expired: { HTTPTransportError.timedOut(url, limit: limit) }) {
                let response = try await client.execute(request, deadline: Self.deadline(after: limit))
                let buffer = try await response.body.collect(upTo: maxBody)
                return HTTPResponseSpec(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) },
                                        body: Data(buffer.readableBytesView))
            }
        } catch {
            throw await Self.classify(error, spec, limit: options.maxBodyBytes, proxy: options.proxy, deadline: limit)
        }
    }

    public func stream(_ spec: HTTPRequestSpec, headDeadline: Duration, idleTimeout: Duration?) async throws -> HTTPStreamingResponse {
        let request = try Self.request(spec)
        let client = Self.client(for: spec.url, proxy: options.proxy.shouldProxy(spec.url) ? options.proxy.server : nil, streaming: true, idle: idleTimeout)
        let response: HTTPClientResponse
        do {
            // The head within its deadline, however the server sends it (the library's deadline covers connecting
            // and the whole head, a byte at a time or not at all); the body's silences are the idle timeout's.
            // Not wrapped in `withDeadline` as `send` is: on this path (each of the bridge's requests) its two
            // tasks and its timer cost more than the bridge's whole relay.
            response = try await client.execute(request, deadline: Self.deadline(after: headDeadline))
        } catch {
            throw await Self.classify(error, spec, limit: options.maxBodyBytes, proxy: options.proxy, deadline: headDeadline)
        }
        // Pulled a chunk at a time by the reader: nothing is read from the socket ahead of it (a server cannot
        // fill memory with a body nobody reads), and dropping the stream cancels the request.
        let sent = spec, proxy = options.proxy
        let pull = BodyPull(response.body.makeAsyncIterator())
        let body = AsyncThrowingStream<Data, any Error> {
            do {
                return try await pull.next()
            } catch {
                throw await Self.classify(error, sent, limit: 0, proxy: proxy, deadline: nil)
            }
        }
        return HTTPStreamingResponse(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) }, body: body)
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

extension AsyncHTTPTransport {
    /// A response body's iterator, advanced by one reader at a time: `AsyncThrowingStream(unfolding:)` calls its
    /// closure only after the previous call returned, so the iterator is never touched by two tasks at once.
    private final class BodyPull: @unchecked Sendable {
        private var iterator: HTTPClientResponse.Body.AsyncIterator

        init(_ iterator: HTTPClientResponse.Body.AsyncIterator) { self.iterator = iterator }

        func next() async throws -> Data? {
            try await iterator.next().map { Data($0.readableBytesView) }
        }
    }
}
