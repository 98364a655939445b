@testable import Acquisition
import Foundation
import NIOSSL
import SwitchboardCore
import SwitchboardTestSupport
import Testing

/// The trust variables read with OpenSSL's meaning, and TLS failures put in words, without a server.
@Suite struct TLSTrustTests {
    @Test func noVariableMeansTheSystemStore() throws {
        for environment in [[:], ["SSL_CERT_FILE": "", "SSL_CERT_DIR": "", "SWITCHBOARD_CA_FILE": ""]] {
            let trust = try TLSTrust(environment: environment)
            #expect(trust.isSystemStore && trust.extra == nil)
            #expect(trust.configuration.trustRoots == .default && trust.configuration.additionalTrustRoots.isEmpty)
            #expect(trust.summary.hasPrefix("system store ("), "\(trust.summary)")
        }
    }

    @Test func certFileReplacesTheBundleAndKeepsTheSystemDirectory() throws {
        let dir = TemporaryDirectory("trust")
        defer { dir.remove() }
        let one = try TestCertificateAuthority(in: dir.path("one").creating()), two = try TestCertificateAuthority(in: dir.path("two").creating())
        let bundle = dir.path("bundle.pem")
        try (String(contentsOf: one.file, encoding: .utf8) + "\n" + String(contentsOf: two.file, encoding: .utf8)).write(to: bundle, atomically: true, encoding: .utf8)

        let trust = try TLSTrust(environment: ["SSL_CERT_FILE": bundle.path])
        #expect(trust.file == TLSTrust.Bundle(variable: "SSL_CERT_FILE", path: bundle.path, count: 2))
        #expect(!trust.isSystemStore && trust.directory?.variable == nil)
        #expect(trust.summary.hasPrefix("SSL_CERT_FILE=\(bundle.path) (2 certificates) and "), "\(trust.summary)")
        if let system = trust.directory {
            // The system's hashed directory stays the main root; the bundle is trusted beside it.
            #expect(trust.configuration.trustRoots == .file(system.path))
            #expect(trust.configuration.additionalTrustRoots.count == 1)
        } else {
            #expect(trust.configuration.trustRoots == .certificates(try NIOSSLCertificate.fromPEMFile(bundle.path)))
        }
    }

    @Test func certDirReplacesTheDirectoryAndExtraFileAdds() throws {
        let dir = TemporaryDirectory("trust")
        defer { dir.remove() }
        let ca = try TestCertificateAuthority(in: dir.url)
        let hashed = try HTTPSTrustTests.hashedDirectory(ca, in: dir)
        let trust = try TLSTrust(environment: ["SSL_CERT_DIR": hashed, "SWITCHBOARD_CA_FILE": ca.file.path])
        #expect(trust.directory == TLSTrust.Directory(variable: "SSL_CERT_DIR", path: hashed))
        #expect(trust.configuration.trustRoots == .file(hashed))
        #expect(trust.extra == TLSTrust.Bundle(variable: "SWITCHBOARD_CA_FILE", path: ca.file.path, count: 1))
        #expect(trust.configuration.additionalTrustRoots.last == .certificates(try NIOSSLCertificate.fromPEMFile(ca.file.path)))
        #expect(trust.summary.contains("SSL_CERT_DIR=\(hashed)") && trust.summary.hasSuffix(", plus SWITCHBOARD_CA_FILE=\(ca.file.path) (1 certificate)"),
                "\(trust.summary)")
    }

    @Test func unusableVariablesAreProblemsNamingTheVariableAndTheFile() throws {
        let dir = TemporaryDirectory("trust")
        defer { dir.remove() }
        let text = dir.path("notes.txt"), damaged = dir.path("damaged.pem"), missing = dir.path("missing.pem")
        try "hello\n".write(to: text, atomically: true, encoding: .utf8)
        try "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n".write(to: damaged, atomically: true, encoding: .utf8)
        let cases: [([String: String], String)] = [
            (["SWITCHBOARD_CA_FILE": missing.path], "SWITCHBOARD_CA_FILE=\(missing.path) does not exist"),
            (["SWITCHBOARD_CA_FILE": dir.url.path], "SWITCHBOARD_CA_FILE=\(dir.url.path) is a directory, not a file"),
            (["SSL_CERT_FILE": text.path], "SSL_CERT_FILE=\(text.path) holds no PEM certificate"),
            (["SSL_CERT_FILE": damaged.path], "SSL_CERT_FILE=\(damaged.path) holds a certificate that cannot be read (damaged PEM)"),
            (["SSL_CERT_DIR": missing.path], "SSL_CERT_DIR=\(missing.path) does not exist"),
            (["SSL_CERT_DIR": text.path], "SSL_CERT_DIR=\(text.path) is a file, not a directory (use SSL_CERT_FILE for a bundle)"),
            (["SSL_CERT_DIR": dir.url.path], "SSL_CERT_DIR=\(dir.url.path) holds no hashed certificate names (run `openssl rehash` on it)"),
        ]
        for (environment, sentence) in cases {
            #expect(throws: TLSTrust.Problem.self) { try TLSTrust(environment: environment) }
            do {
                _ = try TLSTrust(environment: environment)
            } catch {
                #expect(error.description == sentence)
                #expect(error.advice.hasSuffix("or unset it.") && error.advice.contains(error.variable))
            }
        }
    }

    @Test func failuresAreSentencesWithTheirOwnAdvice() {
        let url = URL(string: "https://mcp.example.com/mcp")!
        let expired = Date(timeIntervalSince1970: 1_767_268_800)  // 2026-01-01 12:00 UTC
        let cases: [(TLSFailure, String, String)] = [
            (.unknownAuthority(host: "mcp.example.com", issuer: "“Corp Proxy CA” (Corp)"),
             "the certificate of mcp.example.com was issued by “Corp Proxy CA” (Corp), an authority this machine does not trust", "SWITCHBOARD_CA_FILE="),
            (.nameMismatch(host: "mcp.example.com", names: ["a.example", "b.example"]),
             "the certificate mcp.example.com presented is for a.example, b.example, not mcp.example.com", "Check the server address"),
            (.expired(host: "mcp.example.com", on: expired), "the certificate of mcp.example.com expired on 2026-01-01 12:00 UTC", "clock"),
            (.handshakeRefused(host: "mcp.example.com", reason: "the server ended it (access denied)"),
             "the TLS handshake with mcp.example.com was refused: the server ended it (access denied)", "https"),
        ]
        for (failure, sentence, advice) in cases {
            #expect(failure.sentence == sentence)
            let error = AcquisitionError.network(HTTPTransportError.tls(url, failure), doing: "Reaching \(url)")
            #expect(error.message == "Reaching \(url) failed: \(sentence)")
            #expect(error.remedyText?.contains(advice) == true && error.remedyText?.contains("Check the network") == false, "\(error)")
        }
        let plain = AcquisitionError.network(HTTPTransportError.connectionFailed(url, "connection refused"), doing: "Reaching \(url)")
        #expect(plain.remedyText == "Check the network and try again.")
    }

    @Test func libraryErrorsBecomeSymptomsAndWords() {
        #expect(TLSFailure.symptom(of: NIOSSLExtraError.failedToValidateHostname) == .nameMismatch)
        #expect(TLSFailure.symptom(of: NIOSSLError.handshakeFailed(.sslError([]))) == .handshake("the handshake failed"))
        #expect(TLSFailure.symptom(of: NIOSSLError.unableToValidateCertificate) == .certificateRefused)
        #expect(TLSFailure.symptom(of: NIOSSLError.uncleanShutdown) == nil)
        #expect(TLSFailure.symptom(of: CancellationError()) == nil)
        #expect(TLSFailure.words("WRONG_VERSION_NUMBER") == "the server does not speak TLS on that port (plain http?)")
        #expect(TLSFailure.words("TLSV1_ALERT_ACCESS_DENIED") == "the server ended it (access denied)")
        #expect(TLSFailure.words("BAD_ECC_CERT") == "the handshake failed (bad ecc cert)")
        #expect(TLSFailure.words("Error: 1 at /x/.build/checkouts/y.cc:3") == nil)
        for error: any Error in [NIOSSLError.handshakeFailed(.sslError([])), NIOSSLError.uncleanShutdown, NIOSSLError.failedToLoadCertificate,
                                 NIOSSLExtraError.invalidSNIHostname, BoringSSLError.syscallError] {
            let words = AsyncHTTPTransport.words(error)
            #expect(HTTPSTrustTests.clean(words), "\(words)")
        }
    }
}

extension URL {
    /// The directory, created.
    fileprivate func creating() throws -> URL {
        try FileManager.default.createDirectory(at: self, withIntermediateDirectories: true)
        return self
    }
}
