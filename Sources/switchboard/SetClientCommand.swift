import ArgumentParser
import Foundation
import SwitchboardCore

extension Switchboard {
    /// `switchboard set-client NAME --client-id ID`: the manual path, without removing the connection.
    struct SetClient: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-client",
            abstract: "Use a client you registered in the provider's dashboard (for servers that refuse self-registration).",
            discussion: """
                Turns NAME into an `oauth` (manual client) connection and keeps its redirect URI, \
                http://127.0.0.1:PORT/callback: register exactly that URI with the client. Stored tokens are dropped; \
                run `switchboard connect NAME` next.
                """)

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The connection's name.") var name: String
        @Option(name: .customLong("client-id"), help: "The client id from the provider's dashboard.") var clientID: String
        @Flag(name: .customLong("client-secret-stdin"), help: "Read the client secret from standard input.") var clientSecretStdin = false
        @Option(name: .customLong("redirect-port"), help: "The port of the redirect URI you registered (default: keep the connection's).") var redirectPort: Int?

        func run() throws {
            let integrations = global.integrations()
            var secret: String?
            if clientSecretStdin {
                secret = SecretInput.read(prompt: "Client secret for \(name): ")
                guard secret != nil else { throw CLIError.usage("no client secret arrived on standard input") }
            }
            var scheme = try integrations.setManualClient(named: name, clientID: clientID, clientSecret: secret, redirectPort: redirectPort)
            if scheme.redirectPort == nil {
                scheme.redirectPort = try FreePort.pick()
                let port = scheme.redirectPort
                try integrations.connections.updateScheme(scheme.id) { $0.redirectPort = port }
            }
            print("\(name) now signs in with the client \(Console.safe(clientID)) and the redirect URI \(AuthScheme.redirectURI(port: scheme.redirectPort!)). Run `switchboard connect \(name)`.")
        }
    }
}

/// A loopback port that is free now, for a redirect URI fixed before the first sign-in.
enum FreePort {
    static func pick() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw CLIError.failure("could not open a socket to choose a redirect port; pass --redirect-port") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw CLIError.failure("could not choose a redirect port; pass --redirect-port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
