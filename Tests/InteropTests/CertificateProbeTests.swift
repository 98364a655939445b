@testable import Acquisition
import Foundation
import SwitchboardTestSupport
import Testing

/// The look at a refused certificate goes where the real request went: through the proxy, with CONNECT.
@Suite(.serialized) struct CertificateProbeTests {
    @Test func theProbeReadsTheChainThroughAConnectProxy() async throws {
        let dir = TemporaryDirectory("probe")
        let ca = try TestCertificateAuthority(in: dir.url)
        let server = try await InteropServer.start(.pythonSDK, tls: try ca.issue(for: ["127.0.0.1", "mcp.test"]))
        let python = try await InteropPython.interpreter()
        let proxy = try KillableChild(command: [python, InteropPython.scripts.appendingPathComponent("connect_proxy.py").path])
        defer { proxy.kill(); _ = proxy.wait(); server.stop(); dir.remove() }
        let ready: Int? = await withCheckedContinuation { c in
            Thread {
                _ = proxy.waitForOutput(timeout: 30) { $0.contains("\n") }
                c.resume(returning: proxy.stdout.split(separator: "\n").first { $0.hasPrefix("READY ") }.flatMap { Int($0.dropFirst(6)) })
            }.start()
        }
        let port = try #require(ready, "\(proxy.stdout)")

        let chain = try #require(await CertificateProbe.chain(host: "127.0.0.1", port: server.port, proxy: ("127.0.0.1", port)))
        #expect(TLSFailure.names(try #require(chain.first)) == ["127.0.0.1", "mcp.test"])
        #expect(TLSFailure.display(try #require(chain.last).issuerName) == "“\(ca.commonName)” (Switchboard tests)")
        #expect(proxy.stdout.contains("CONNECT 127.0.0.1:\(server.port)"), "\(proxy.stdout)")
        let failure = await TLSFailure.diagnose(.certificateRefused, url: server.serverURL, proxy: ("127.0.0.1", port))
        #expect(failure == .unknownAuthority(host: "127.0.0.1", issuer: "“\(ca.commonName)” (Switchboard tests)"))
        // A proxy that refuses the tunnel: no chain, and the sentence still stands without the issuer.
        #expect(await CertificateProbe.chain(host: "mcp.example.com", port: 443, proxy: ("127.0.0.1", port)) == nil)
    }
}
