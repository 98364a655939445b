import Foundation
import SwitchboardTestSupport
import Testing

/// The real binary against the official Python SDK server over HTTPS (uvicorn's TLS), with a certificate from a
/// CA each test makes: trusted through `SSL_CERT_FILE`, `SSL_CERT_DIR` or `SWITCHBOARD_CA_FILE` (the headless
/// browser trusting the same), and refused, each refusal in its own sentence, without them.
@Suite(.serialized) struct HTTPSTrustTests {
    /// The three trust variables, all unset (an empty value hides the test process's own).
    static let untrusted = ["SSL_CERT_FILE": "", "SSL_CERT_DIR": "", "SWITCHBOARD_CA_FILE": ""]

    /// What no message may contain: a library's error dump or a build path. (The doctor's `browser:` line shows
    /// the test's own `$BROWSER`, the binary in .build: not a message.)
    static func clean(_ text: String) -> Bool {
        let messages = text.split(separator: "\n").filter { !$0.hasPrefix("browser: $BROWSER = ") }.joined(separator: "\n")
        return !["BoringSSL", "NIOSSL", ".build/", "OPENSSL_internal", "handshakeFailed"].contains { messages.contains($0) }
    }

    @Test(arguments: ["SSL_CERT_FILE", "SWITCHBOARD_CA_FILE", "SSL_CERT_DIR"])
    func trustedCAServesTheWholeLifecycle(_ variable: String) async throws {
        let dir = TemporaryDirectory("https")
        let ca = try TestCertificateAuthority(in: dir.url)
        let server = try await InteropServer.start(.pythonSDK, ["--token-ttl", "4"], tls: try ca.issue(for: ["127.0.0.1"]))
        var home = BinaryHome()
        defer { server.stop(); home.remove(); dir.remove() }
        home.settings = Self.untrusted
        home.settings[variable] = variable == "SSL_CERT_DIR" ? try Self.hashedDirectory(ca, in: dir) : ca.file.path
        #expect(server.serverURL.scheme == "https")

        #expect(try await home.run(["add", "svc", server.serverURL.absoluteString]).status == 0, "\(home.log)")
        let connect = try await home.run(["connect", "svc"])
        #expect(connect.status == 0, "\(home.log)")
        #expect(server.events("/authorize").count == 1, "the headless browser reached the sign-in page over HTTPS")
        let check = try await home.run(["check", "svc"])
        #expect(check.status == 0 && check.stdout.contains("echo"), "\(home.log)")
        let call = try await home.run(["call", "svc", "echo", #"{"text":"over tls"}"#])
        #expect(call.status == 0 && call.stdout.contains("echo: over tls"), "\(home.log)")
        let refreshes = { server.events("/token").filter { $0.grant_type == "refresh_token" && $0.status == 200 }.count }
        let before = refreshes()
        #expect(try await home.run(["refresh", "svc"]).status == 0, "\(home.log)")
        #expect(refreshes() == before + 1, "\(home.log)")
        try StoredTokens.age(home: home.directory.url, by: 4.5)
        #expect(try await home.run(["call", "svc", "add", #"{"a":2,"b":3}"#]).stdout.contains("5"), "an expired token refreshed on use: \(home.log)")

        if variable == "SWITCHBOARD_CA_FILE" {
            // An MCP client starts the bridge with few variables (this one passes on only BROWSER and SWITCHBOARD_*):
            // the added CA goes with them, and the bridge's streamed exchanges trust it.
            let client = try await BridgeClient.start(mode: "2026-07-28", bridgeArguments: ["bridge", "svc", "--home", home.directory.url.path],
                                                      environment: home.settings)
            let echo = try await client.call("echo", ["text": "bridged"])
            #expect(echo["text"] as? String == "echo: bridged", "\(echo) \(client.standardError)")
            #expect(await client.quit() == 0)
        }

        // The doctor names the source in use.
        let doctor = try await home.run(["doctor"])
        let line = try #require(doctor.stdout.split(separator: "\n").first { $0.hasPrefix("TLS trust: ") }, "\(doctor.stdout)")
        switch variable {
        case "SSL_CERT_FILE": #expect(line.contains("SSL_CERT_FILE=\(ca.file.path) (1 certificate)"), "\(line)")
        case "SSL_CERT_DIR": #expect(line.contains("SSL_CERT_DIR=\(home.settings["SSL_CERT_DIR"]!)"), "\(line)")
        default: #expect(line.hasPrefix("TLS trust: system store") && line.hasSuffix(", plus SWITCHBOARD_CA_FILE=\(ca.file.path) (1 certificate)"), "\(line)")
        }
        #expect(Self.clean(home.log))
    }

    @Test func unknownAuthorityIsRefusedWithItsName() async throws {
        let dir = TemporaryDirectory("https")
        let ca = try TestCertificateAuthority(in: dir.url)
        let server = try await InteropServer.start(.pythonSDK, tls: try ca.issue(for: ["127.0.0.1"]))
        var home = BinaryHome()
        defer { server.stop(); home.remove(); dir.remove() }
        home.settings = Self.untrusted
        let sentence = "was issued by “\(ca.commonName)” (Switchboard tests), an authority this machine does not trust"

        _ = try await home.run(["add", "svc", server.serverURL.absoluteString])
        let refused = try await home.run(["connect", "svc"])
        #expect(refused.status == 1, "\(home.log)")
        #expect(refused.stderr.contains("the certificate of 127.0.0.1 \(sentence)"), "\(home.log)")
        for variable in ["SWITCHBOARD_CA_FILE", "SSL_CERT_FILE", "SSL_CERT_DIR"] {
            #expect(refused.stderr.contains(variable), "the remedy names \(variable): \(refused.stderr)")
        }
        #expect(!refused.stderr.contains("Check the network"), "\(refused.stderr)")
        #expect(server.events("/authorize").isEmpty && server.events("/register").isEmpty)

        // Connected with the CA; then without it, check, call and refresh are refused the same way.
        home.settings["SWITCHBOARD_CA_FILE"] = ca.file.path
        #expect(try await home.run(["connect", "svc"]).status == 0, "\(home.log)")
        home.settings["SWITCHBOARD_CA_FILE"] = ""
        for command in [["check", "svc"], ["call", "svc", "echo", #"{"text":"x"}"#], ["refresh", "svc"]] {
            let r = try await home.run(command)
            #expect(r.status != 0 && r.stderr.contains(sentence), "\(command): \(home.log)")
        }
        let doctor = try await home.run(["doctor", "svc"])
        #expect(doctor.stdout.contains(sentence), "\(doctor.stdout)")
        #expect(Self.clean(home.log))
    }

    @Test func nameMismatchIsRefusedWithTheCertificatesNames() async throws {
        let dir = TemporaryDirectory("https")
        let ca = try TestCertificateAuthority(in: dir.url)
        let server = try await InteropServer.start(.pythonSDK, tls: try ca.issue(for: ["wrong.example", "other.example"]))
        var home = BinaryHome()
        defer { server.stop(); home.remove(); dir.remove() }
        home.settings = Self.untrusted.merging(["SWITCHBOARD_CA_FILE": ca.file.path]) { $1 }

        _ = try await home.run(["add", "svc", server.serverURL.absoluteString])
        let refused = try await home.run(["connect", "svc"])
        #expect(refused.status == 1, "\(home.log)")
        #expect(refused.stderr.contains("the certificate 127.0.0.1 presented is for wrong.example, other.example, not 127.0.0.1"), "\(home.log)")
        #expect(refused.stderr.contains("Check the server address"), "\(home.log)")
        #expect(server.events("/authorize").isEmpty)
        #expect(Self.clean(home.log))
    }

    @Test func expiredCertificateSaysWhen() async throws {
        let dir = TemporaryDirectory("https")
        let ca = try TestCertificateAuthority(in: dir.url)
        // Expired at 12:00 UTC two days ago.
        let noon = Calendar(identifier: .gregorian).dateInterval(of: .day, for: Date().addingTimeInterval(-2 * 86400))!.start.addingTimeInterval(12 * 3600)
        let server = try await InteropServer.start(.pythonSDK, tls: try ca.issue(for: ["127.0.0.1"], notBefore: noon.addingTimeInterval(-86400), notAfter: noon))
        var home = BinaryHome()
        defer { server.stop(); home.remove(); dir.remove() }
        home.settings = Self.untrusted.merging(["SWITCHBOARD_CA_FILE": ca.file.path]) { $1 }

        _ = try await home.run(["add", "svc", server.serverURL.absoluteString])
        let refused = try await home.run(["connect", "svc"])
        #expect(refused.status == 1, "\(home.log)")
        let day = noon.formatted(.iso8601.year().month().day())
        #expect(refused.stderr.contains("the certificate of 127.0.0.1 expired on \(day) 12:00 UTC"), "\(home.log)")
        #expect(Self.clean(home.log))
    }

    @Test func serverWithoutTLSRefusesTheHandshake() async throws {
        let server = try await InteropServer.start(.pythonSDK)
        var home = BinaryHome()
        defer { server.stop(); home.remove() }
        home.settings = Self.untrusted
        let https = server.serverURL.absoluteString.replacingOccurrences(of: "http://", with: "https://")
        _ = try await home.run(["add", "svc", https])
        let refused = try await home.run(["connect", "svc"])
        #expect(refused.status == 1, "\(home.log)")
        #expect(refused.stderr.contains("the TLS handshake with 127.0.0.1 was refused: the server does not speak TLS on that port (plain http?)"), "\(home.log)")
        #expect(Self.clean(home.log))
    }

    @Test func unusableTrustVariablesNameTheVariableAndTheFile() async throws {
        let dir = TemporaryDirectory("https")
        let ca = try TestCertificateAuthority(in: dir.url)
        let server = try await InteropServer.start(.pythonSDK, tls: try ca.issue(for: ["127.0.0.1"]))
        var home = BinaryHome()
        defer { server.stop(); home.remove(); dir.remove() }
        let empty = dir.path("empty.pem"), missing = dir.path("missing.pem")
        try "not a certificate\n".write(to: empty, atomically: true, encoding: .utf8)
        _ = try await home.run(["add", "svc", server.serverURL.absoluteString])
        let cases: [(String, String, String)] = [
            ("SWITCHBOARD_CA_FILE", missing.path, "SWITCHBOARD_CA_FILE=\(missing.path) does not exist"),
            ("SSL_CERT_FILE", empty.path, "SSL_CERT_FILE=\(empty.path) holds no PEM certificate"),
            ("SSL_CERT_DIR", missing.path, "SSL_CERT_DIR=\(missing.path) does not exist"),
            ("SSL_CERT_DIR", dir.url.path, "SSL_CERT_DIR=\(dir.url.path) holds no hashed certificate names"),
        ]
        for (variable, value, sentence) in cases {
            home.settings = Self.untrusted.merging([variable: value]) { $1 }
            let connect = try await home.run(["connect", "svc"])
            #expect(connect.status == 1 && connect.stderr.contains(sentence), "\(home.log)")
            #expect(connect.stderr.contains("or unset it"), "\(connect.stderr)")
            let doctor = try await home.run(["doctor"])
            #expect(doctor.status == 0 && doctor.stdout.contains("TLS trust: unusable: \(sentence)"), "\(doctor.stdout)")
        }
        #expect(server.events("/authorize").isEmpty)
        #expect(Self.clean(home.log))
    }

    /// Every refusal through every command that shows or keeps a message (the stored status, the activity log,
    /// the doctor), scanned for library text.
    @Test func noMessageCarriesLibraryText() async throws {
        let dir = TemporaryDirectory("https")
        let ca = try TestCertificateAuthority(in: dir.url)
        let trusted = try await InteropServer.start(.pythonSDK, tls: try ca.issue(for: ["127.0.0.1"]))
        let misnamed = try await InteropServer.start(.pythonSDK, tls: try ca.issue(for: ["wrong.example"]))
        let plain = try await InteropServer.start(.pythonSDK)
        var home = BinaryHome()
        defer { trusted.stop(); misnamed.stop(); plain.stop(); home.remove(); dir.remove() }
        home.settings = Self.untrusted.merging(["SWITCHBOARD_CA_FILE": ca.file.path]) { $1 }
        _ = try await home.run(["add", "good", trusted.serverURL.absoluteString])
        _ = try await home.run(["add", "misnamed", misnamed.serverURL.absoluteString])
        _ = try await home.run(["add", "plain", plain.serverURL.absoluteString.replacingOccurrences(of: "http://", with: "https://")])
        #expect(try await home.run(["connect", "good"]).status == 0, "\(home.log)")
        for settings in [Self.untrusted, home.settings, Self.untrusted.merging(["SSL_CERT_FILE": dir.path("none.pem").path]) { $1 }] {
            home.settings = settings
            for name in ["good", "misnamed", "plain"] {
                for command in [["connect", name], ["check", name], ["refresh", name], ["call", name, "echo", "{}"], ["doctor", name], ["show", name]] {
                    _ = try await home.run(command)
                }
            }
            _ = try await home.run(["log"])
            _ = try await home.run(["list"])
        }
        let stored = ["integrations.json", "activity.jsonl"].compactMap { try? String(contentsOf: home.directory.path($0), encoding: .utf8) }
        #expect(Self.clean(home.log), "\(home.log)")
        #expect(stored.allSatisfy(Self.clean), "\(stored)")
    }

    /// A hashed certificate directory holding the CA, as `openssl rehash` makes it.
    static func hashedDirectory(_ ca: TestCertificateAuthority, in dir: TemporaryDirectory) throws -> String {
        let hashed = dir.path("hashed")
        try FileManager.default.createDirectory(at: hashed, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: ca.file, to: hashed.appendingPathComponent("ca.pem"))
        let r = try Spawned.run(["openssl", "rehash", hashed.path], stdin: nil, environment: ProcessInfo.processInfo.environment)
        guard r.status == 0 else { throw RehashFailed(output: String(decoding: r.stderr, as: UTF8.self)) }
        return hashed.path
    }

    struct RehashFailed: Error { var output: String }
}
