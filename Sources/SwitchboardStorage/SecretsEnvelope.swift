import Crypto
import Foundation
import SwitchboardModel
import SwitchboardText
import SwitchboardSystem

/// The on-disk form of the secret store's snapshot: plain JSON, or the same JSON sealed with AES-256-GCM.
///
/// Version 2 seals with associated data that binds the format, the version, the store's id and the
/// snapshot's generation (and, in the journal, each record's position), so a sealed box cannot be
/// replayed into another generation, reordered, or moved into another store that uses the same key.
/// It also names the key that sealed it (`keyId`, an HMAC of a constant under the key), so a wrong key
/// is told apart from a damaged file. Version 1 files (no associated data) are still read.
package enum SecretsEnvelope {
    static let format = "switchboard-secrets"
    static let version = 2
    /// The largest generation a snapshot may carry: 2^53, the largest integer every JSON reader keeps exact.
    /// Switchboard never gets there (a compaction a millisecond takes 285,000 years); a file that says more,
    /// or less than 0, was not written by it.
    package static let maxGeneration = 1 << 53

    /// The generation of the next snapshot: one more, and 1 again after `maxGeneration` (the journal
    /// written with it names the same generation, and a stale journal of the old one no longer matches).
    package static func generation(after generation: Int) -> Int {
        (0..<maxGeneration).contains(generation) ? generation + 1 : 1
    }

    struct Plain: Codable {
        var format: String
        var version: Int
        var encryption: String
        /// Which journal belongs to this snapshot (absent in files written before the journal: 0).
        var generation: Int?
        var storeId: String?
        var schemes: [String: SchemeSecrets]
    }

    struct Sealed: Codable {
        var format: String
        var version: Int
        var encryption: String
        var generation: Int?
        var storeId: String?
        var keyId: String?
        /// base64 of nonce ‖ ciphertext ‖ tag.
        var sealed: String
    }

    struct Header: Decodable {
        var format: String?
        var version: Int?
        var encryption: String?
        var generation: Int?
        var storeId: String?
        var keyId: String?
    }

    /// What a snapshot holds.
    package struct Decoded {
        package var file: SecretsFile
        package var generation: Int
        var sealed: Bool
        var storeID: String?
        /// The key that opened it (sealed snapshots), for the journal and the next write.
        var key: SymmetricKey?
        var version = SecretsEnvelope.version
    }

    package enum ReadError: Error, CustomStringConvertible {
        /// Proven damage: not JSON, not our format, or a box the right key cannot open.
        case malformed(String)
        /// The store cannot be opened here (no key, wrong key, newer version): never quarantined.
        case refused(SecretStoreError)

        package var description: String {
            switch self {
            case .malformed(let why): why
            case .refused(let error): error.description
            }
        }
    }

    static func associatedData(storeID: String?, generation: Int) -> Data {
        Data("\(format)\u{0}v\(version)\u{0}aes-256-gcm\u{0}store=\(storeID ?? "")\u{0}generation=\(generation)\u{0}snapshot".utf8)
    }

    /// The snapshot's contents. `key` is asked for only when the snapshot is sealed.
    package static func decode(_ data: Data, file: String, keySource: String, key: () throws(SecretStoreError) -> SymmetricKey) throws(ReadError) -> Decoded {
        let header: Header
        do { header = try JSONCoding.decode(Header.self, from: data, file: file) } catch { throw .malformed(error.description) }
        guard header.format == format else { throw .malformed("\(file): not a Switchboard secrets file (format is `\(TerminalText.safe(header.format ?? "missing", limit: 40))`)") }
        guard let v = header.version else { throw .malformed("\(file): no version") }
        guard v <= version else { throw .refused(.newerVersion(file: file, version: v)) }
        guard v >= 1 else { throw .malformed("\(file): unsupported version \(v)") }
        let generation = header.generation ?? 0
        // A generation outside 0…2^53 is proven damage, but a sealed snapshot's header is taken at its word only
        // once its own key is there: without the key it is refused and left alone, never moved aside.
        let generationInRange = (0...maxGeneration).contains(generation)
        let outOfRange = ReadError.malformed("\(file): its generation \(generation) is outside 0…2^53, so Switchboard did not write it")
        switch header.encryption ?? "none" {
        case "none":
            guard generationInRange else { throw outOfRange }
            do {
                let plain = try JSONCoding.decode(Plain.self, from: data, file: file)
                return Decoded(file: SecretsFile(schemes: plain.schemes), generation: generation, sealed: false, storeID: plain.storeId, version: v)
            } catch { throw .malformed(error.description) }
        case "aes-256-gcm":
            let sealed: Sealed
            do { sealed = try JSONCoding.decode(Sealed.self, from: data, file: file) } catch { throw .malformed(error.description) }
            let k: SymmetricKey
            do { k = try key() } catch { throw .refused(error) }
            let keyID = SecretsEncryption.identifier(of: k)
            if let stored = sealed.keyId, stored != keyID {
                throw .refused(.wrongKey(source: keySource, keyID: keyID, storeKeyID: TerminalText.safe(stored, limit: 20)))
            }
            guard let combined = Data(base64Encoded: sealed.sealed), let box = try? AES.GCM.SealedBox(combined: combined) else {
                throw .malformed("\(file): the sealed contents are not a valid AES-GCM box")
            }
            let plain: Data
            do {
                plain = v >= 2
                    ? try AES.GCM.open(box, using: k, authenticating: associatedData(storeID: sealed.storeId, generation: generation))
                    : try AES.GCM.open(box, using: k)
            } catch {
                // The right key (its id matches) cannot open it: it was changed or moved. Version 1 names no
                // key, so there the key may simply be another one.
                if sealed.keyId != nil {
                    guard generationInRange else { throw outOfRange }
                    throw .malformed("\(file): the sealed contents fail authentication (changed, or moved from another store)")
                }
                throw .refused(.wrongKey(source: keySource, keyID: keyID, storeKeyID: nil))
            }
            guard generationInRange else { throw outOfRange }
            do {
                return Decoded(file: SecretsFile(schemes: try JSONCoding.decode([String: SchemeSecrets].self, from: plain, file: file)),
                               generation: generation, sealed: true, storeID: sealed.storeId, key: k, version: v)
            } catch { throw .malformed(error.description) }
        case let other:
            throw .malformed("\(file): unknown encryption `\(TerminalText.safe(other, limit: 40))`")
        }
    }

    static func encodePlain(_ file: SecretsFile, generation: Int, storeID: String) throws -> Data {
        try JSONCoding.encoder(pretty: false).encode(Plain(format: format, version: version, encryption: "none", generation: generation,
                                                           storeId: storeID, schemes: file.schemes))
    }

    package static func encodeSealed(_ file: SecretsFile, key: SymmetricKey, generation: Int, storeID: String) throws -> Data {
        let inner = try JSONCoding.encoder(pretty: false).encode(file.schemes)
        let box = try AES.GCM.seal(inner, using: key, authenticating: associatedData(storeID: storeID, generation: generation))
        guard let combined = box.combined else { throw ReadError.malformed("AES-GCM gave no combined box") }
        return try JSONCoding.encoder(pretty: false).encode(
            Sealed(format: format, version: version, encryption: "aes-256-gcm", generation: generation, storeId: storeID,
                   keyId: SecretsEncryption.identifier(of: key), sealed: combined.base64EncodedString()))
    }

    /// A new store's id: random, public, only there to bind sealed boxes to their store.
    static func newStoreID() -> String {
        (0..<8).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
    }
}
