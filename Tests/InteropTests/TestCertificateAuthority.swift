import Crypto
import Foundation
import SwiftASN1
import SwitchboardTestSupport
import X509

/// A certificate authority made for one test, in a temporary directory: its certificate as a PEM file (what a
/// person would put in `SWITCHBOARD_CA_FILE` or `SSL_CERT_FILE`), and server certificates it issues.
struct TestCertificateAuthority {
    let commonName: String
    let directory: URL
    private let key = P256.Signing.PrivateKey()
    private let name: DistinguishedName
    let certificate: Certificate

    init(commonName: String = "Switchboard Test CA \(UUID().uuidString.prefix(8))", in directory: URL) throws {
        self.commonName = commonName
        self.directory = directory
        name = try DistinguishedName {
            CommonName(commonName)
            OrganizationName("Switchboard tests")
        }
        let now = Date()
        certificate = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(86400),
            issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            },
            issuerPrivateKey: .init(key))
        try certificate.serializeAsPEM().pemString.write(to: file, atomically: true, encoding: .utf8)
    }

    /// The CA's certificate, PEM.
    var file: URL { directory.appendingPathComponent("ca.pem") }

    /// A server certificate for `names` (DNS names, or IP addresses such as 127.0.0.1), valid from
    /// `notBefore` until `notAfter`, written with its key as PEM files for the server.
    func issue(for names: [String], notBefore: Date = Date().addingTimeInterval(-3600),
               notAfter: Date = Date().addingTimeInterval(86400)) throws -> InteropServer.TLS {
        let leafKey = P256.Signing.PrivateKey()
        let subject = try DistinguishedName { CommonName(names.first ?? "server") }
        let alternatives: [GeneralName] = names.map { name in
            if let v4 = IPv4(name) { return .ipAddress(ASN1OctetString(contentBytes: ArraySlice(v4))) }
            return .dnsName(name)
        }
        let leaf = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(leafKey.publicKey),
            notValidBefore: notBefore, notValidAfter: notAfter, issuer: name, subject: subject,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(alternatives)
            },
            issuerPrivateKey: .init(key))
        let stem = UUID().uuidString.prefix(8)
        let tls = InteropServer.TLS(certificate: directory.appendingPathComponent("server-\(stem).pem"),
                                    key: directory.appendingPathComponent("server-\(stem).key"))
        try leaf.serializeAsPEM().pemString.write(to: tls.certificate, atomically: true, encoding: .utf8)
        try leafKey.pemRepresentation.write(to: tls.key, atomically: true, encoding: .utf8)
        return tls
    }

    private func IPv4(_ text: String) -> [UInt8]? {
        let parts = text.split(separator: ".").compactMap { UInt8($0) }
        return parts.count == 4 && text.split(separator: ".").count == 4 ? parts : nil
    }
}
