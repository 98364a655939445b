import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL

/// Stands in for a person: GETs the authorization URL and follows its redirects into the loopback callback.
public enum HeadlessBrowser {
    /// A client that shows each redirect instead of following it (a process-long singleton), with the
    /// system's trust.
    static let noRedirects = HTTPClient(eventLoopGroupProvider: .singleton,
                                        configuration: HTTPClient.Configuration(redirectConfiguration: .disallow))

    /// Runs `body` with a client that trusts what `tls` trusts (the engine's trust, so that a sign-in page on a
    /// private CA loads exactly when the engine's requests to that server succeed), or with the system's.
    static func withClient<T>(tls: TLSConfiguration?, _ body: (HTTPClient) async -> T) async -> T {
        guard let tls else { return await body(noRedirects) }
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.tlsConfiguration = tls
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let result = await body(client)
        try? await client.shutdown()
        return result
    }

    /// Signs in at `url` like a browser on another machine: follows redirects until the one that points at a
    /// loopback `/callback`, and returns that address without visiting it (the address a person would paste).
    public static func addressOfCallback(_ url: URL, tls: TLSConfiguration? = nil) async -> String? {
        await withClient(tls: tls) { client in
            var current = url
            for _ in 0..<5 {
                var request = HTTPClientRequest(url: current.absoluteString)
                request.method = .GET
                guard let response = try? await client.execute(request, timeout: .seconds(10)) else { return nil }
                _ = try? await response.body.collect(upTo: 1 << 20)
                guard let location = response.headers.first(name: "Location"), let next = URL(string: location, relativeTo: current)?.absoluteURL else { return nil }
                if next.path == "/callback" { return next.absoluteString }
                current = next
            }
            return nil
        }
    }

    /// Visits `url` as a browser that can say what it saw: the authorization server's error page (a status of
    /// 400 or more before any redirect to the callback), or opened.
    public static func visitReporting(_ url: URL, tls: TLSConfiguration? = nil) async -> (status: Int?, error: (Int, String)?) {
        await withClient(tls: tls) { client in
            var current = url
            for _ in 0...5 {
                guard let host = current.host, host == "127.0.0.1" || host == "localhost" || host == "::1" else { return (nil, nil) }
                var request = HTTPClientRequest(url: current.absoluteString)
                request.method = .GET
                guard let response = try? await client.execute(request, timeout: .seconds(10)) else { return (nil, nil) }
                let body = (try? await response.body.collect(upTo: 1 << 20)).map { String(buffer: $0) } ?? ""
                let status = Int(response.status.code)
                guard (300..<400).contains(status), let location = response.headers.first(name: "Location"),
                      let next = URL(string: location, relativeTo: current)?.absoluteURL else {
                    // An error page from the server the sign-in started at (the callback's own pages are not it).
                    return (status, status >= 400 && current.path != "/callback" ? (status, String(body.prefix(400))) : nil)
                }
                current = next
            }
            return (nil, nil)
        }
    }

    /// Visits `url`; returns the final status code (200 when the callback accepted the sign-in).
    @discardableResult
    public static func visit(_ url: URL, maxRedirects: Int = 5, tls: TLSConfiguration? = nil) async -> Int? {
        await withClient(tls: tls) { client in
            var current = url
            for _ in 0...maxRedirects {
                guard let host = current.host, host == "127.0.0.1" || host == "localhost" || host == "::1" else { return nil }
                var request = HTTPClientRequest(url: current.absoluteString)
                request.method = .GET
                guard let response = try? await client.execute(request, timeout: .seconds(10)) else { return nil }
                _ = try? await response.body.collect(upTo: 1 << 20)
                guard (300..<400).contains(Int(response.status.code)), let location = response.headers.first(name: "Location"),
                      let next = URL(string: location, relativeTo: current)?.absoluteURL else {
                    return Int(response.status.code)
                }
                current = next
            }
            return nil
        }
    }
}
