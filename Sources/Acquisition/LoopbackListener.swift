import Foundation
import SwitchboardCore
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// The RFC 8252 loopback redirect listener: 127.0.0.1 only, path `/callback`, one valid callback.
///
/// Unrelated requests (favicon, scanners, junk) get a 404 and do not end the wait; nor does a response
/// with the wrong `state` (400): any local page or process can send one, and it must not be able to
/// abort a sign-in. The first callback of this sign-in that carries an answer — a code or a definite
/// error — ends it. A connection idle for `idleTimeout` is dropped, so a silent client cannot hold one.
/// An answer from another user account on this machine is refused (403) before it is looked at
/// (`LoopbackPeer`): it neither ends the sign-in nor uses up its `state`.
public final class LoopbackListener: Sendable {
    public let port: Int
    private let channel: any Channel
    private let outcome: Outcome

    /// What a `/callback` request meant.
    public enum Verdict: Sendable {
        case accept(code: String)
        case reject(AcquisitionError)
    }

    final class Outcome: Sendable {
        let state = Mutex<(result: Result<String, AcquisitionError>?, waiter: CheckedContinuation<String, any Error>?)>((nil, nil))

        func resolve(_ result: Result<String, AcquisitionError>) {
            let waiter: CheckedContinuation<String, any Error>? = state.withLock { s in
                guard s.result == nil else { return nil }
                s.result = result
                defer { s.waiter = nil }
                return s.waiter
            }
            waiter?.resume(with: result.mapError { $0 as any Error })
        }

        var isResolved: Bool { state.withLock { $0.result != nil } }
    }

    /// Binds 127.0.0.1:`port` (0 lets the kernel choose). Throws `portInUse` when taken. `peer` tells whose
    /// connection (local address, remote address) an answer came on.
    public static func start(port: Int = 0, idleTimeout: TimeAmount = .seconds(5),
                             peer: @escaping @Sendable (SocketAddress?, SocketAddress?) -> LoopbackPeer.Verdict = LoopbackPeer.check,
                             validate: @escaping @Sendable ([(String, String)]) -> Verdict) async throws -> LoopbackListener {
        let outcome = Outcome()
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(IdleStateHandler(allTimeout: idleTimeout))
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(CallbackHandler(outcome: outcome, peer: peer, validate: validate))
                }
            }
        do {
            let channel = try await bootstrap.bind(host: "127.0.0.1", port: port).get()
            return LoopbackListener(port: channel.localAddress?.port ?? port, channel: channel, outcome: outcome)
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw AcquisitionError(.portInUse, "The callback port \(port) on 127.0.0.1 is in use by another program.",
                                   remedy: .advice("Close the program using it."))
        }
    }

    /// Binds a port chosen now (`pick`, by default below the kernel's ephemeral range; see `FreePort`). Such a
    /// port carries no registration yet, so when something takes it between the choice and the bind (another
    /// sign-in choosing the same port at the same moment), another is chosen, up to `attempts` times.
    public static func startOnFreshPort(attempts: Int = 8, pick: () -> Int = { (try? FreePort.pick()) ?? 0 },
                                        validate: @escaping @Sendable ([(String, String)]) -> Verdict) async throws -> LoopbackListener {
        var attempt = 1
        while true {
            do {
                return try await start(port: pick(), validate: validate)
            } catch let error as AcquisitionError where error.code == .portInUse && attempt < attempts {
                attempt += 1
            }
        }
    }

    private init(port: Int, channel: any Channel, outcome: Outcome) {
        self.port = port
        self.channel = channel
        self.outcome = outcome
    }

    public var redirectURI: String { "http://127.0.0.1:\(port)/callback" }

    /// Waits for the callback; cancellation ends the wait.
    public func waitForCode() async throws -> String {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<String, any Error>) in
                let ready: Result<String, AcquisitionError>? = outcome.state.withLock { s in
                    if let r = s.result { return r }
                    s.waiter = c
                    return nil
                }
                if let ready { c.resume(with: ready.mapError { $0 as any Error }) }
            }
        } onCancel: {
            outcome.resolve(.failure(AcquisitionError(.cancelled, "The sign-in was cancelled.")))
        }
    }

    /// Feeds a callback that arrived another way (a pasted URL): checked exactly like a real one.
    public func deliver(_ verdict: Verdict) {
        switch verdict {
        case .accept(let code): outcome.resolve(.success(code))
        case .reject(let e): outcome.resolve(.failure(e))
        }
    }

    /// What a request to the listener is.
    public enum Request: Sendable {
        /// Not `GET /callback`.
        case elsewhere
        /// `/callback` without a `state` plus a `code` or an `error`: noise that must not end the wait.
        case notAResponse
        /// An authorization response's query, to be validated.
        case response([(String, String)])
    }

    /// Classifies a request by its method and target (the part NIO leaves to us).
    public static func classify(method: String, uri: String) -> Request {
        let parts = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        guard method == "GET", parts.first == "/callback" else { return .elsewhere }
        let query = parts.count > 1 ? FormEncoding.decode(String(parts[1])) : []
        let names = Set(query.map(\.0))
        guard names.contains("state"), names.contains("code") || names.contains("error") else { return .notAResponse }
        return .response(query)
    }

    public func close() async {
        try? await channel.close()
    }
}
