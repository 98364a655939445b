import Crypto
import Foundation

/// The on-disk form of the secret store: plain JSON, or the same JSON sealed with AES-256-GCM.
enum SecretsEnvelope {
    static let format = "switchboard-secrets"

    struct Plain: Codable {
        var format: String
        var version: Int
        var encryption: String
        /// Which journal belongs to this snapshot (absent in files written before the journal: 0).
        var generation: Int?
        var schemes: [String: SchemeSecrets]
    }

    struct Sealed: Codable {
        var format: String
        var version: Int
        var encryption: String
        var generation: Int?
        /// base64 of nonce ‖ ciphertext ‖ tag.
        var sealed: String
    }

    struct Header: Decodable {
        var format: String?
        var version: Int?
        var encryption: String?
        var generation: Int?
    }

    enum ReadError: Error, CustomStringConvertible {
        case malformed(String)
        case noKey(String)
        case cannotDecrypt

        var description: String {
            switch self {
            case .malformed(let why): why
            case .noKey(let why): "the file is encrypted and no key is available (\(why))"
            case .cannotDecrypt: "the file is encrypted and the key does not open it"
            }
        }
    }

    /// The snapshot's schemes, generation, and whether it was sealed.
    static func decode(_ data: Data, file: String, key: () throws -> SymmetricKey) throws -> (SecretsFile, generation: Int, sealed: Bool) {
        let header: Header
        do { header = try JSONCoding.decode(Header.self, from: data, file: file) } catch { throw ReadError.malformed(error.description) }
        guard header.format == format else { throw ReadError.malformed("\(file): not a Switchboard secrets file (format is `\(header.format ?? "missing")`)") }
        guard header.version == 1 else { throw ReadError.malformed("\(file): unsupported version \(header.version.map(String.init) ?? "missing")") }
        switch header.encryption ?? "none" {
        case "none":
            do { return (SecretsFile(schemes: try JSONCoding.decode(Plain.self, from: data, file: file).schemes), header.generation ?? 0, false) } catch { throw ReadError.malformed(error.description) }
        case "aes-256-gcm":
            let sealed: Sealed
            do { sealed = try JSONCoding.decode(Sealed.self, from: data, file: file) } catch { throw ReadError.malformed(error.description) }
            let k: SymmetricKey
            do { k = try key() } catch { throw ReadError.noKey("\(error)") }
            guard let combined = Data(base64Encoded: sealed.sealed),
                  let box = try? AES.GCM.SealedBox(combined: combined),
                  let plain = try? AES.GCM.open(box, using: k) else { throw ReadError.cannotDecrypt }
            do { return (SecretsFile(schemes: try JSONCoding.decode([String: SchemeSecrets].self, from: plain, file: file)), header.generation ?? 0, true) } catch { throw ReadError.malformed(error.description) }
        case let other:
            throw ReadError.malformed("\(file): unknown encryption `\(other)`")
        }
    }

    static func encodePlain(_ file: SecretsFile, generation: Int) throws -> Data {
        try JSONCoding.encoder(pretty: false).encode(Plain(format: format, version: 1, encryption: "none", generation: generation, schemes: file.schemes))
    }

    static func encodeSealed(_ file: SecretsFile, key: SymmetricKey, generation: Int) throws -> Data {
        let inner = try JSONCoding.encoder(pretty: false).encode(file.schemes)
        let box = try AES.GCM.seal(inner, using: key)
        guard let combined = box.combined else { throw ReadError.cannotDecrypt }
        return try JSONCoding.encoder(pretty: false).encode(
            Sealed(format: format, version: 1, encryption: "aes-256-gcm", generation: generation, sealed: combined.base64EncodedString()))
    }
}
