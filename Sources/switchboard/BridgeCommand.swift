import Acquisition
import ArgumentParser
import Foundation
import MCPSession
import SwitchboardCore
import SwitchboardWiring
#if canImport(Glibc)
import Glibc
#endif

extension Switchboard {
    /// `switchboard bridge NAME`: a stdio MCP server for any MCP client, forwarding to the connection's server.
    struct BridgeCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "bridge",
            abstract: "Serve a connection to an MCP client on stdin/stdout (start it from the client's config).",
            discussion: """
                Every MCP client that starts local servers can use a Switchboard connection through this command: it \
                forwards each message to the connection's server with a valid token, in whichever MCP era the two speak. \
                stdout carries MCP messages only; diagnostics go to stderr. When the connection needs a new sign-in, \
                requests get an error naming `switchboard reconnect NAME`; once you reconnect (anywhere), the same \
                bridge works again without restarting the client. `switchboard export --for CLIENT` writes the entry.
                """)

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The connection's name.") var name: String
        @Flag(name: .customLong("sign-in"), help: "Open the browser to sign in when the server asks for it (default: answer with an error naming the remedy).")
        var signIn = false

        func run() async throws {
            try await Self.serve(name: name, home: global.home, signIn: signIn)
        }

        /// The bridge for connection `name` in `home` (nil: the default home) until its client goes away.
        static func serve(name: String, home: String?, signIn: Bool) async throws {
            // A client that goes away must not kill the bridge mid-write: EPIPE is handled where it is written.
            signal(SIGPIPE, SIG_IGN)
            // Two malloc arenas, not one per thread that ever allocated: a stdio bridge's few requests at a time
            // gain nothing from more, and each arena keeps its own free pages (measured: 0.6 MiB of resident memory).
            // A person's own choice (MALLOC_ARENA_MAX, or glibc's tunable) stands.
            let env = ProcessInfo.processInfo.environment
            if env["MALLOC_ARENA_MAX"] == nil, env["GLIBC_TUNABLES"]?.contains("arena_max") != true { ResidentCode.limitArenas(2) }
            // The event loop threads start while the stores are read, not when the first request is sent.
            DispatchQueue.global(qos: .userInitiated).async { AsyncHTTPTransport.startThreads() }
            let engine = GlobalOptions.engine(home: SwitchboardHome.resolve(explicit: home), role: "bridge", browser: signIn ? SystemBrowser() : NoBrowser())
            StartTrace.mark("engine made")
            let connection = try engine.integrations.connection(named: name)
            StartTrace.mark("connection read")
            let (bridge, presence) = engine.bridge(connection, options: BridgeOptions(
                signIn: signIn, output: LineWriter(fd: 1),
                diagnostic: { Output.error("switchboard bridge \(connection.name): \($0)") }))
            // The bridge runs for hours: the code that started it need not stay resident. Its first answer lets go
            // of it (`BridgePresence.served`); a bridge whose client is slow to ask does so a second after start,
            // off the path to that answer (dropped pages the answer needs would only come back at once).
            DispatchQueue.global(qos: .utility).asyncAfter(deadline: .now() + 1) { ResidentCode.dropStartupPages() }
            // The first request's token, made ready while the client starts: the secret store's read now, and a
            // refresh if one is due (the first request would wait for it anyway; the engine shares one refresh
            // among its callers). A failure is the first request's to report, with its remedy.
            let authorizer = engine.authorizer(connection)
            let prefetch = Task.detached(priority: .userInitiated) { _ = try? await authorizer.bearer() }
            StartTrace.mark("bridge ready")
            let stop = Task { await bridge.run(StdinLines.read()) }
            let terminated = Self.onTerminate { Task { await bridge.close(); stop.cancel() } }
            await stop.value
            terminated.forEach { $0.cancel() }
            // A client that left at once may leave the first token's refresh under way: it ends (bounded) and is
            // stored before the process exits (`Wiring.shutdown` waits for any other refresh the same way).
            _ = try? await withDeadline(.seconds(15), expired: { CancellationError() }) { await prefetch.value }
            presence.stopped()
            await engine.shutdown()
        }

        /// Calls `body` on SIGTERM or SIGINT: the bridge closes its session and exits 0.
        static func onTerminate(_ body: @escaping @Sendable () -> Void) -> [any DispatchSourceProtocol] {
            [SIGTERM, SIGINT].map { number in
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler(handler: body)
                source.resume()
                return source
            }
        }
    }
}
