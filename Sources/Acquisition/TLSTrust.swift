import Foundation
import NIOSSL
import SwitchboardCore

/// The certificate authorities this process trusts, from the environment with OpenSSL's meaning: the system
/// store, `SSL_CERT_FILE` in place of its bundle, `SSL_CERT_DIR` in place of its hashed directory, and
/// `SWITCHBOARD_CA_FILE` added to whatever else is trusted (as Node's `NODE_EXTRA_CA_CERTS`).
public struct TLSTrust: Sendable {
    /// A PEM bundle, the variable that named it (nil: the system's), and how many certificates it holds.
    public struct Bundle: Sendable, Equatable {
        public var variable: String?
        public var path: String
        public var count: Int
    }

    /// A hashed certificate directory (`openssl rehash`), and the variable that named it (nil: the system's).
    public struct Directory: Sendable, Equatable {
        public var variable: String?
        public var path: String
    }

    /// A trust variable that cannot be used: which one, its file, and why. Every HTTPS request fails with it
    /// (trusting less, or more, than the person asked for would be worse).
    public struct Problem: Error, Equatable, Sendable, CustomStringConvertible {
        public var variable: String
        public var path: String
        public var why: String

        public var description: String { "\(variable)=\(TerminalText.safe(path, limit: 200)) \(why)" }

        /// What to do about it.
        public var advice: String {
            variable == "SSL_CERT_DIR"
                ? "Point SSL_CERT_DIR at a directory of hashed CA certificates (`openssl rehash DIR`), or unset it."
                : "Point \(variable) at a PEM file of CA certificates (-----BEGIN CERTIFICATE-----), or unset it."
        }
    }

    /// True when no variable is set: the system store as swift-nio-ssl finds it.
    public var isSystemStore: Bool { file?.variable == nil && directory?.variable == nil }
    public var file: Bundle?
    public var directory: Directory?
    public var extra: Bundle?
    /// The client configuration every Switchboard HTTPS connection uses.
    public let configuration: TLSConfiguration

    /// Where the system store is: the places swift-nio-ssl looks on Linux, in its order.
    static let systemFiles = ["/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt"]
    static let systemDirectories = ["/etc/ssl/certs"]

    /// This process's trust, read from its environment once (the HTTP clients live for the whole process).
    public static let current: Result<TLSTrust, Problem> = Result { () throws(Problem) in
        try TLSTrust(environment: ProcessInfo.processInfo.environment)
    }

    /// Reads the three variables; an empty one counts as unset, as in OpenSSL.
    public init(environment env: [String: String]) throws(Problem) {
        func named(_ key: String) -> String? { env[key].flatMap { $0.isEmpty ? nil : $0 } }
        let fm = FileManager.default
        let systemFile = Self.systemFiles.first { Self.kind(of: $0) == .file }
        let systemDirectory = Self.systemDirectories.first { Self.kind(of: $0) == .directory }
        var tls = TLSConfiguration.makeClientConfiguration()
        var additional: [NIOSSLAdditionalTrustRoots] = []

        let fileVariable = named("SSL_CERT_FILE"), directoryVariable = named("SSL_CERT_DIR")
        if fileVariable == nil && directoryVariable == nil {
            // swift-nio-ssl's own lookup of the same places: nothing is read until a connection needs it.
            tls.trustRoots = .default
            file = systemFile.map { Bundle(variable: nil, path: $0, count: 0) }
            directory = systemDirectory.map { Directory(variable: nil, path: $0) }
        } else {
            // One variable replaces only its half of the store, as in OpenSSL: the other half stays the system's.
            var certificates: [NIOSSLCertificate] = []
            if let path = fileVariable {
                certificates = try Self.load(path, variable: "SSL_CERT_FILE")
                file = Bundle(variable: "SSL_CERT_FILE", path: path, count: certificates.count)
            } else if let path = systemFile {
                certificates = (try? NIOSSLCertificate.fromPEMFile(path)) ?? []
                file = Bundle(variable: nil, path: path, count: certificates.count)
            }
            if let path = directoryVariable {
                try Self.checkDirectory(path, fm: fm)
                directory = Directory(variable: "SSL_CERT_DIR", path: path)
            } else if let path = systemDirectory {
                directory = Directory(variable: nil, path: path)
            }
            // A hashed directory can only be the main root (extra roots are loaded whole, and a directory is
            // looked up by hash at each handshake), so the bundle's certificates go beside it.
            if let directory {
                tls.trustRoots = .file(directory.path)
                if !certificates.isEmpty { additional.append(.certificates(certificates)) }
            } else {
                tls.trustRoots = .certificates(certificates)
            }
        }
        if let path = named("SWITCHBOARD_CA_FILE") {
            let certificates = try Self.load(path, variable: "SWITCHBOARD_CA_FILE")
            extra = Bundle(variable: "SWITCHBOARD_CA_FILE", path: path, count: certificates.count)
            additional.append(.certificates(certificates))
        }
        tls.additionalTrustRoots = additional
        configuration = tls
    }

    /// What `doctor` says: the source in use, then the added bundle with its count.
    public var summary: String {
        func safe(_ path: String) -> String { TerminalText.safe(path, limit: 200) }
        func count(_ n: Int) -> String { n == 1 ? "1 certificate" : "\(n) certificates" }
        var parts: [String] = []
        if isSystemStore {
            let places = [file?.path, directory?.path].compactMap { $0 }.map(safe)
            parts.append("system store" + (places.isEmpty ? " (none found: no CA bundle in \(Self.systemFiles.joined(separator: ", ")))" : " (\(places.joined(separator: ", ")))"))
        } else {
            for (variable, text) in [(file?.variable, file.map { "\(safe($0.path)) (\(count($0.count)))" }),
                                     (directory?.variable, directory.map { safe($0.path) })] {
                guard let text else { continue }
                parts.append(variable.map { "\($0)=\(text)" } ?? "the system's \(text)")
            }
            if parts.count == 1 { parts.append("no system \(file == nil ? "bundle" : "directory")") }
        }
        var out = parts.joined(separator: " and ")
        if let extra { out += ", plus SWITCHBOARD_CA_FILE=\(safe(extra.path)) (\(count(extra.count)))" }
        return out
    }

    enum Kind { case file, directory }

    static func kind(of path: String) -> Kind? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return nil }
        return isDirectory.boolValue ? .directory : .file
    }

    /// A PEM bundle's certificates; a missing, unreadable or certificate-less file is a problem, never a crash.
    static func load(_ path: String, variable: String) throws(Problem) -> [NIOSSLCertificate] {
        switch kind(of: path) {
        case nil: throw Problem(variable: variable, path: path, why: "does not exist")
        case .directory?: throw Problem(variable: variable, path: path, why: "is a directory, not a file")
        case .file?: break
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Problem(variable: variable, path: path, why: "cannot be read (permissions?)")
        }
        guard data.range(of: Data("-----BEGIN CERTIFICATE-----".utf8)) != nil else {
            throw Problem(variable: variable, path: path, why: "holds no PEM certificate")
        }
        do {
            return try NIOSSLCertificate.fromPEMBytes(Array(data))
        } catch {
            throw Problem(variable: variable, path: path, why: "holds a certificate that cannot be read (damaged PEM)")
        }
    }

    /// A hashed directory must exist and hold at least one hashed name (`1a2b3c4d.0`); else nothing in it is found.
    static func checkDirectory(_ path: String, fm: FileManager) throws(Problem) {
        switch kind(of: path) {
        case nil: throw Problem(variable: "SSL_CERT_DIR", path: path, why: "does not exist")
        case .file?: throw Problem(variable: "SSL_CERT_DIR", path: path, why: "is a file, not a directory (use SSL_CERT_FILE for a bundle)")
        case .directory?: break
        }
        let hashed = ((try? fm.contentsOfDirectory(atPath: path)) ?? []).contains { name in
            let parts = name.split(separator: ".", omittingEmptySubsequences: false)
            return parts.count == 2 && parts[0].count == 8 && parts[0].allSatisfy(\.isHexDigit) && !parts[1].isEmpty && parts[1].allSatisfy(\.isNumber)
        }
        guard hashed else {
            throw Problem(variable: "SSL_CERT_DIR", path: path, why: "holds no hashed certificate names (run `openssl rehash` on it)")
        }
    }
}
