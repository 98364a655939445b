import Foundation
import NIOSSL
import SwitchboardCore
#if canImport(Glibc)
import Glibc
#endif

extension TLSFailure {
    /// What the library's error says before anyone looks at the certificate.
    enum Symptom: Equatable {
        /// The chain did not verify: an unknown authority, or a date out of range.
        case certificateRefused
        case nameMismatch
        /// The handshake ended before a certificate was judged, with the reason in words.
        case handshake(String)
    }

    /// The symptom in a swift-nio-ssl error; nil for any other error.
    static func symptom(of error: any Error) -> Symptom? {
        if let e = error as? NIOSSLExtraError {
            return e == .failedToValidateHostname || e == .serverHostnameImpossibleToMatch ? .nameMismatch : .handshake("the connection could not be secured")
        }
        if let e = error as? BoringSSLError { return symptom(reading: e) }
        guard let e = error as? NIOSSLError else { return nil }
        switch e {
        case .handshakeFailed(let inner): return symptom(reading: inner)
        case .unableToValidateCertificate: return .certificateRefused
        case .cannotMatchULabel: return .nameMismatch
        case .noCertificateToValidate: return .handshake("the server sent no certificate")
        // Not a handshake: a file of trusted certificates changed under us, or a connection closed mid-answer.
        case .noSuchFilesystemObject, .failedToLoadCertificate, .failedToLoadPrivateKey, .uncleanShutdown: return nil
        default: return .handshake("the connection could not be secured")
        }
    }

    /// The symptom in BoringSSL's error stack (a distinct name: an overload would be chosen by return type).
    static func symptom(reading error: BoringSSLError) -> Symptom {
        let reasons: [String]
        switch error {
        case .sslError(let stack), .unknownError(let stack), .invalidSNIName(let stack), .failedToSetALPN(let stack): reasons = stack.map(reason)
        default: reasons = []
        }
        if reasons.contains("CERTIFICATE_VERIFY_FAILED") { return .certificateRefused }
        return .handshake(reasons.lazy.compactMap(words).first ?? "the handshake failed")
    }

    /// BoringSSL's reason name (`CERTIFICATE_VERIFY_FAILED`) from an error's text, without its code or source path.
    static func reason(_ error: BoringSSLInternalError) -> String {
        let text = "\(error)"
        let head = text.range(of: " at ").map { String(text[..<$0.lowerBound]) } ?? text
        return (head.split(separator: ":").last.map(String.init) ?? head).trimmingCharacters(in: .whitespaces)
    }

    /// A reason name in words; nil when it says nothing a person could use.
    static func words(_ reason: String) -> String? {
        switch reason {
        case "EOF during handshake": return "the server closed the connection during the handshake"
        case "WRONG_VERSION_NUMBER", "HTTP_REQUEST", "PACKET_LENGTH_TOO_LONG": return "the server does not speak TLS on that port (plain http?)"
        case "UNSUPPORTED_PROTOCOL", "TLSV1_ALERT_PROTOCOL_VERSION": return "the server offers no TLS version Switchboard accepts (1.2 or 1.3)"
        case "NO_SHARED_CIPHER", "NO_CIPHERS_AVAILABLE", "NO_SHARED_GROUP", "SSLV3_ALERT_HANDSHAKE_FAILURE":
            return "the server and Switchboard have no cipher or key exchange in common"
        case "TLSV13_ALERT_CERTIFICATE_REQUIRED", "SSLV3_ALERT_BAD_CERTIFICATE": return "the server wants a client certificate"
        default:
            guard !reason.isEmpty, reason.allSatisfy({ $0.isUppercase || $0.isNumber || $0 == "_" }) else { return nil }
            for prefix in ["TLSV13_ALERT_", "TLSV1_ALERT_", "SSLV3_ALERT_"] where reason.hasPrefix(prefix) {
                return "the server ended it (\(reason.dropFirst(prefix.count).lowercased().replacingOccurrences(of: "_", with: " ")))"
            }
            return "the handshake failed (\(reason.lowercased().replacingOccurrences(of: "_", with: " ")))"
        }
    }

    /// The sentence for a symptom, after a look at the certificate the server presents when that says more
    /// (which authority, which names, which date). The look is a second handshake that trusts nothing.
    static func diagnose(_ symptom: Symptom, url: URL, proxy: (host: String, port: Int)?, now: Date = Date()) async -> TLSFailure {
        let host = TerminalText.safe(url.host ?? "the server", limit: 100)
        switch symptom {
        case .handshake(let reason):
            return .handshakeRefused(host: host, reason: reason)
        case .nameMismatch:
            let chain = await CertificateProbe.chain(host: url.host ?? "", port: url.port ?? 443, proxy: proxy)
            return .nameMismatch(host: host, names: chain?.first.map(names) ?? [])
        case .certificateRefused:
            let chain = await CertificateProbe.chain(host: url.host ?? "", port: url.port ?? 443, proxy: proxy) ?? []
            let seconds = time_t(now.timeIntervalSince1970)
            if let stale = chain.first(where: { $0.notValidAfter < seconds }) {
                return .expired(host: host, on: Date(timeIntervalSince1970: TimeInterval(stale.notValidAfter)))
            }
            if let early = chain.first(where: { $0.notValidBefore > seconds }) {
                return .notYetValid(host: host, from: Date(timeIntervalSince1970: TimeInterval(early.notValidBefore)))
            }
            return .unknownAuthority(host: host, issuer: chain.last.flatMap { display($0.issuerName) })
        }
    }

    /// An X.509 name as people read it: “common name” (organization). Server text, so made safe.
    static func display(_ name: [SSLCertificateName]) -> String? {
        let cn = name.first { $0.type == .commonName }.map { TerminalText.safe($0.value, limit: 80) }
        let org = name.first { $0.type == .organization }.map { TerminalText.safe($0.value, limit: 80) }
        switch (cn, org) {
        case let (cn?, org?) where cn != org: return "“\(cn)” (\(org))"
        case let (cn?, _): return "“\(cn)”"
        case let (nil, org?): return "“\(org)”"
        default: return nil
        }
    }

    /// The names a certificate is made out to: its DNS and IP alternative names, else its common name.
    static func names(_ certificate: NIOSSLCertificate) -> [String] {
        var out: [String] = []
        for name in certificate._subjectAlternativeNames() {
            let bytes = name.contents.withUnsafeBufferPointer { Array($0) }
            if name.nameType == .dnsName {
                out.append(TerminalText.safe(String(decoding: bytes, as: UTF8.self), limit: 100))
            } else if name.nameType == .ipAddress, let ip = address(bytes) {
                out.append(ip)
            }
        }
        if out.isEmpty, let cn = certificate.subjectName.first(where: { $0.type == .commonName }) { out.append(TerminalText.safe(cn.value, limit: 100)) }
        return out
    }

    static func address(_ bytes: [UInt8]) -> String? {
        let family: Int32
        switch bytes.count {
        case 4: family = AF_INET
        case 16: family = AF_INET6
        default: return nil
        }
        var text = [CChar](repeating: 0, count: 64)
        let ok = bytes.withUnsafeBytes { raw in inet_ntop(family, raw.baseAddress, &text, socklen_t(text.count)) != nil }
        return ok ? String(cString: text) : nil
    }
}
