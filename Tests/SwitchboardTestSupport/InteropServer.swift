import Foundation
import SwitchboardCore
#if canImport(Glibc)
import Glibc
#endif

/// An independent MCP server from PyPI (the official Python SDK's, or FastMCP), started from one of our
/// small scripts in `Tests/InteropServers` on 127.0.0.1 with a port from the kernel. It appends one JSON
/// object per request it served to an events file, which the tests read to see what reached the server.
public final class InteropServer: Sendable {
    public enum Flavor: String, Sendable, CaseIterable, CustomStringConvertible {
        case pythonSDK = "sdk_server.py"
        case fastMCP = "fastmcp_server.py"
        public var description: String { self == .pythonSDK ? "mcp 2.3.0" : "fastmcp 4.2.3" }
    }

    /// A certificate (PEM, leaf first) and its private key: the server then speaks HTTPS (uvicorn's TLS).
    public struct TLS: Sendable {
        public var certificate: URL
        public var key: URL

        public init(certificate: URL, key: URL) {
            self.certificate = certificate
            self.key = key
        }
    }

    public let flavor: Flavor
    public let port: Int
    /// Whether the server speaks HTTPS (started with `tls`).
    public let https: Bool
    let child: KillableChild
    let eventsFile: URL

    /// `https://127.0.0.1:PORT/mcp` with TLS, else `http://…`: the certificate must name 127.0.0.1 to be accepted.
    public var serverURL: URL { URL(string: "\(https ? "https" : "http")://127.0.0.1:\(port)/mcp")! }

    /// Starts the server with the script's options (`--registration off`, `--token-ttl 4`, `--era modern`, …),
    /// over HTTPS with `tls`.
    public static func start(_ flavor: Flavor, _ arguments: [String] = [], tls: TLS? = nil) async throws -> InteropServer {
        let python = try await InteropPython.interpreter()
        let events = FileManager.default.temporaryDirectory.appendingPathComponent("interop-\(UUID().uuidString).jsonl")
        let script = InteropPython.scripts.appendingPathComponent(flavor.rawValue).path
        let served = tls.map { ["--tls-cert", $0.certificate.path, "--tls-key", $0.key.path] } ?? []
        let child = try KillableChild(command: [python, script, "--events", events.path] + served + arguments)
        // The port from a complete `READY <port>` line.
        @Sendable func ready(_ text: String) -> Int? {
            text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().first { $0.hasPrefix("READY ") }.flatMap { Int($0.dropFirst(6)) }
        }
        // Woken by the server's output (a thread off the cooperative pool waits for it).
        let port: Int? = await withCheckedContinuation { c in
            Thread { child.waitForOutput(timeout: 60) { ready($0) != nil }; c.resume(returning: ready(child.stdout)) }.start()
        }
        if let port { return InteropServer(flavor: flavor, port: port, https: tls != nil, child: child, eventsFile: events) }
        child.kill()
        throw InteropPython.Failure("\(flavor) did not start (\(script)); its output: \(child.stdout.suffix(2000))")
    }

    init(flavor: Flavor, port: Int, https: Bool, child: KillableChild, eventsFile: URL) {
        self.flavor = flavor
        self.port = port
        self.https = https
        self.child = child
        self.eventsFile = eventsFile
    }

    /// Ends the server. The wait for it to exit runs on a thread of its own: a test's `defer` never holds a
    /// cooperative thread while a server shuts down gracefully.
    public func stop() {
        child.kill(SIGTERM)
        let (child, eventsFile) = (child, eventsFile)
        Thread {
            child.wait()
            try? FileManager.default.removeItem(at: eventsFile)
        }.start()
    }

    /// One request the server served.
    public struct Event: Decodable, Sendable {
        public var method: String
        public var path: String
        public var status: Int?
        public var authorization: String?
        public var fields: [String]?
        public var grant_type: String?
        public var client_id: String?
        public var token_type_hint: String?
        public var token_endpoint_auth_method: String?
        public var rpc: String?
        public var mcpProtocolVersion: String?
        public var mcpMethod: String?
        public var mcpName: String?
        /// When the server received it (seconds since 1970).
        public var t: Double?
    }

    /// Every request served so far, in order.
    public var events: [Event] {
        guard let text = try? String(contentsOf: eventsFile, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONDecoder().decode(Event.self, from: Data($0.utf8)) }
    }

    public func events(_ path: String) -> [Event] { events.filter { $0.path == path } }

    /// Runs one of the server script's test controls (`POST /test/NAME`), e.g. `revoke-all`.
    public func control(_ name: String) async throws {
        let python = try await InteropPython.interpreter()
        let url = "\(https ? "https" : "http")://127.0.0.1:\(port)/test/\(name)"
        // A test's own control: over HTTPS it need not trust the test's CA.
        let script = "import ssl, sys, urllib.request; urllib.request.urlopen(urllib.request.Request(sys.argv[1], method='POST'), context=ssl._create_unverified_context())"
        let r = try await BinaryRunner.runDetached(["-c", script, url],
                                                   binary: URL(fileURLWithPath: python))
        guard r.status == 0 else { throw InteropPython.Failure("the control \(name) failed: \(r.stderr)") }
    }
}

/// The virtual environment with the pinned independent servers. `SWITCHBOARD_INTEROP_PYTHON` names its
/// interpreter; by default it is `.build-interop-venv/bin/python` in the repository, created on first use
/// (`python3 -m venv` and `pip install -r Tests/InteropServers/requirements.txt`), as `.ci/run` does.
public enum InteropPython {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        init(_ d: String) { description = d }
    }

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    public static let scripts = repository.appendingPathComponent("Tests/InteropServers")
    static let defaultVenv = repository.appendingPathComponent(".build-interop-venv")

    public static func interpreter() async throws -> String {
        if let named = ProcessInfo.processInfo.environment["SWITCHBOARD_INTEROP_PYTHON"], !named.isEmpty {
            guard FileManager.default.isExecutableFile(atPath: named) else {
                throw Failure("SWITCHBOARD_INTEROP_PYTHON=\(named) is not an executable; point it at a venv's python with \(pins()) installed")
            }
            return named
        }
        let python = defaultVenv.appendingPathComponent("bin/python").path
        let stamp = defaultVenv.appendingPathComponent("switchboard-pins.txt")
        if FileManager.default.isExecutableFile(atPath: python), (try? String(contentsOf: stamp, encoding: .utf8)) == pins() { return python }
        try await create()
        return python
    }

    static func pins() -> String {
        (try? String(contentsOf: scripts.appendingPathComponent("requirements.txt"), encoding: .utf8)) ?? "requirements.txt missing"
    }

    /// Creates the environment once, under a lock (test processes may race).
    static func create() async throws {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
            Thread {
                c.resume(with: Result {
                    let lock = FileLock(url: URL(fileURLWithPath: defaultVenv.path + ".lock"))
                    try lock.withLock {
                        let stamp = defaultVenv.appendingPathComponent("switchboard-pins.txt")
                        if (try? String(contentsOf: stamp, encoding: .utf8)) == pins() { return }
                        let steps = [["python3", "-m", "venv", "--clear", defaultVenv.path],
                                     [defaultVenv.appendingPathComponent("bin/pip").path, "install", "--quiet", "--disable-pip-version-check",
                                      "-r", scripts.appendingPathComponent("requirements.txt").path]]
                        for step in steps {
                            let r = try Spawned.run(step, stdin: nil, environment: ProcessInfo.processInfo.environment)
                            guard r.status == 0 else {
                                throw Failure("""
                                    the interop tests need Python 3 with venv and pip, and PyPI: `\(step.joined(separator: " "))` failed \
                                    (\(String(decoding: r.stderr, as: UTF8.self).suffix(600))). Install python3 and python3-venv \
                                    (apt-get install -y python3 python3-venv), or set SWITCHBOARD_INTEROP_PYTHON to a python with \
                                    \(pins().split(separator: "\n").joined(separator: " ")) installed.
                                    """)
                            }
                        }
                        try pins().write(to: stamp, atomically: true, encoding: .utf8)
                    }
                })
            }.start()
        }
    }
}
