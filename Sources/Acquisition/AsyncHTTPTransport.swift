import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SwitchboardCore

/// `HTTPTransport` over AsyncHTTPClient: a deadline per request, no automatic redirects, capped bodies,
/// keep-alive connections, and `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` (never for loopback).
public final class AsyncHTTPTransport: HTTPTransport {
    public struct Options: Sendable {
        public var timeout: Duration = .seconds(10)
        public var maxBodyBytes: Int = 1 << 20
        public var proxy: ProxySettings = .fromEnvironment()
        public init() {}
    }

    private let direct: HTTPClient
    private let proxied: (client: HTTPClient, settings: ProxySettings)?
    private let options: Options

    public init(options: Options = Options()) {
        self.options = options
        let timeout = HTTPClient.Configuration.Timeout(connect: .seconds(Int64(options.timeout.components.seconds)),
                                                       read: .seconds(Int64(options.timeout.components.seconds)))
        var config = HTTPClient.Configuration(redirectConfiguration: .disallow, timeout: timeout)
        config.connectionPool = .init(idleTimeout: .seconds(30))
        direct = HTTPClient(eventLoopGroupProvider: .singleton, configuration: config)
        if let server = options.proxy.server {
            var pc = config
            pc.proxy = .server(host: server.host, port: server.port)
            proxied = (HTTPClient(eventLoopGroupProvider: .singleton, configuration: pc), options.proxy)
        } else {
            proxied = nil
        }
    }

    deinit {
        try? direct.syncShutdown()
        try? proxied?.client.syncShutdown()
    }

    public func shutdown() async {
        try? await direct.shutdown()
        try? await proxied?.client.shutdown()
    }

    public func send(_ spec: HTTPRequestSpec) async throws -> HTTPResponseSpec {
        guard ServerURL.isAllowedEndpoint(spec.url) else { throw HTTPTransportError.refusedInsecure(spec.url) }
        var request = HTTPClientRequest(url: spec.url.absoluteString)
        request.method = HTTPMethod(rawValue: spec.method)
        for (k, v) in spec.headers { request.headers.add(name: k, value: v) }
        if request.headers["User-Agent"].isEmpty { request.headers.add(name: "User-Agent", value: "Switchboard/0.1") }
        if let body = spec.body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let client = (proxied.flatMap { $0.settings.shouldProxy(spec.url) ? $0.client : nil }) ?? direct
        let seconds = Int64(options.timeout.components.seconds)
        do {
            let response = try await client.execute(request, timeout: .seconds(seconds))
            let buffer = try await response.body.collect(upTo: options.maxBodyBytes)
            let body = Data(buffer.readableBytesView)
            return HTTPResponseSpec(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) }, body: body)
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            throw HTTPTransportError.timedOut(spec.url)
        } catch let error as NIOTooManyBytesError {
            _ = error
            throw HTTPTransportError.bodyTooLarge(spec.url, limit: options.maxBodyBytes)
        } catch let error as HTTPTransportError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw HTTPTransportError.connectionFailed(spec.url, "\(error)")
        }
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
        var server: (String, Int)?
        if let raw, let u = URL(string: raw.contains("://") ? raw : "http://" + raw), let host = u.host {
            server = (host, u.port ?? 80)
        }
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
