import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// Fetches the certificates a server presents, trusting none of them and sending nothing after the handshake:
/// only to explain why a real connection refused them (which authority, which names, which dates). Through the
/// same proxy a real request would use (a TLS-inspecting proxy is where an unknown authority usually comes from).
enum CertificateProbe {
    /// The presented chain, leaf first; nil when none arrived within `timeout`.
    static func chain(host: String, port: Int, proxy: (host: String, port: Int)?, timeout: TimeAmount = .seconds(5)) async -> [NIOSSLCertificate]? {
        var tls = TLSConfiguration.makeClientConfiguration()
        // The verification callback below replaces verification; loading the system store would be wasted.
        tls.trustRoots = .certificates([])
        guard !host.isEmpty, let context = try? NIOSSLContext(configuration: tls) else { return nil }
        let seen = Captured()
        // SNI carries names only; an address is checked against the certificate's IP names.
        let sni = host.contains(":") || host.allSatisfy({ $0.isNumber || $0 == "." }) ? nil : host
        let makeTLS: @Sendable () throws -> NIOSSLClientHandler = {
            try NIOSSLClientHandler(context: context, serverHostname: sni) { (certificates: [NIOSSLCertificate], verdict: EventLoopPromise<NIOSSLVerificationResult>) in
                seen.chain.withLock { $0 = certificates }
                verdict.succeed(.failed)
            }
        }
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if proxy != nil {
                        try channel.pipeline.syncOperations.addHandler(ConnectTunnel(target: "\(host):\(port)", then: makeTLS))
                    } else {
                        try channel.pipeline.syncOperations.addHandler(try makeTLS())
                    }
                }
            }
        guard let channel = try? await bootstrap.connect(host: proxy?.host ?? host, port: proxy?.port ?? port).get() else { return nil }
        // The refused handshake closes the channel; a server that never answers is closed for it.
        let timer = channel.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
        try? await channel.closeFuture.get()
        timer.cancel()
        return seen.chain.withLock { $0 }
    }

    final class Captured: Sendable {
        let chain = Mutex<[NIOSSLCertificate]?>(nil)
    }
}
