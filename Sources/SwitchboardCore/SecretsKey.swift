import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where the secret store's encryption key comes from, and whether a new store is sealed.
///
/// Whether a store is sealed is a property of the store on disk, not of one process's environment:
/// once sealed, every write stays sealed (or fails), whatever `SWITCHBOARD_ENCRYPT_SECRETS` says.
/// `switchboard secrets encrypt` / `decrypt` change it explicitly.
public struct SecretsEncryption: Sendable {
    /// `SWITCHBOARD_ENCRYPT_SECRETS=1`: a new store is created sealed, and a plain store is refused
    /// (seal it with `switchboard secrets encrypt`).
    public var enabled: Bool
    /// A base64 key from `SWITCHBOARD_SECRETS_KEY`, if set.
    public var keyBase64: String?
    /// The key file used when no key is given: created 0600 on first use, outside the home directory.
    public var keyFile: URL

    public init(enabled: Bool, keyBase64: String?, keyFile: URL) {
        self.enabled = enabled
        self.keyBase64 = keyBase64
        self.keyFile = keyFile
    }

    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) -> SecretsEncryption {
        let dataHome = env["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: env["HOME"] ?? NSHomeDirectory()).appendingPathComponent(".local/share")
        return SecretsEncryption(
            enabled: env["SWITCHBOARD_ENCRYPT_SECRETS"] == "1",
            keyBase64: env["SWITCHBOARD_SECRETS_KEY"].flatMap { $0.isEmpty ? nil : $0 },
            keyFile: dataHome.appendingPathComponent("switchboard/secrets.key"))
    }

    public static let disabled = SecretsEncryption(enabled: false, keyBase64: nil, keyFile: URL(fileURLWithPath: "/nonexistent/secrets.key"))

    /// Whether there is a key: given in `SWITCHBOARD_SECRETS_KEY`, or a key file (whatever it holds: an unusable
    /// one is an error when it is read, never a reason to write plain JSON). A new store is sealed while it is there.
    /// Only "no such file" means no key file: one that cannot be looked at (EACCES, ELOOP, …) may well be there.
    public var keyExists: Bool {
        keyBase64 != nil || Self.mayExist(keyFile)
    }

    /// Whether `url` may exist: `lstat` succeeds, or fails with anything but ENOENT (fail closed).
    static func mayExist(_ url: URL) -> Bool {
        var st = stat()
        return lstat(url.path, &st) == 0 || errno != ENOENT
    }

    /// Where the key comes from, for messages.
    public var source: String { keyBase64 != nil ? "SWITCHBOARD_SECRETS_KEY" : "the key file \(keyFile.path)" }

    /// The key. `create` makes a key file when none exists (only when a store is being sealed: a reader never
    /// invents a key). Two processes creating it at once end with one key: the file appears by `link`,
    /// which fails when it exists, with its whole contents already written.
    func key(create: Bool) throws(SecretStoreError) -> SymmetricKey {
        if let keyBase64 {
            guard let raw = Data(base64Encoded: keyBase64), raw.count == 32 else {
                throw .badKey(source: source, why: "it must be 32 bytes in base64 (e.g. `head -c32 /dev/urandom | base64`)")
            }
            return SymmetricKey(data: raw)
        }
        if let key = try readKeyFile() { return key }
        guard create else { throw .noKey(source: source) }
        do {
            try FileSystem.makeDirectory(keyFile.deletingLastPathComponent(), mode: 0o700)
        } catch { throw .badKey(source: source, why: "\(error)") }
        let key = SymmetricKey(size: .bits256)
        let text = key.withUnsafeBytes { Data($0).base64EncodedString() } + "\n"
        do {
            try FileSystem.createExclusively(Data(text.utf8), at: keyFile, mode: 0o600)
        } catch let e as FileSystemError where e.code == EEXIST {
            // Another process made it first: use its key.
            if let theirs = try readKeyFile() { return theirs }
            throw .noKey(source: source)
        } catch { throw .badKey(source: source, why: "\(error)") }
        return key
    }

    private func readKeyFile() throws(SecretStoreError) -> SymmetricKey? {
        let data: Data?
        do { data = try FileSystem.readPrivate(keyFile) } catch { throw .badKey(source: source, why: "\(error)") }
        guard let data else { return nil }
        guard let raw = Data(base64Encoded: String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)),
              raw.count == 32 else { throw .badKey(source: source, why: "it does not hold a 32-byte base64 key") }
        return SymmetricKey(data: raw)
    }

    /// A short public name of a key: which key sealed a store, without revealing it.
    static func identifier(of key: SymmetricKey) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("switchboard-secrets key id".utf8), using: key)
        return Data(mac).prefix(8).map { String(format: "%02x", $0) }.joined()
    }
}

/// Why the secret store cannot be used. Every case is a hard error: nothing is moved or rewritten.
public enum SecretStoreError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The store is sealed and the key is not there.
    case noKey(source: String)
    /// The key is there but is not the one the store was sealed with.
    case wrongKey(source: String, keyID: String, storeKeyID: String?)
    /// The key (or its file) cannot be used.
    case badKey(source: String, why: String)
    /// Written by a newer Switchboard.
    case newerVersion(file: String, version: Int)
    /// `SWITCHBOARD_ENCRYPT_SECRETS=1`, but the store on disk is plain.
    case plainWhereSealedExpected(file: String)
    /// Proven damage, found on a path that only reads (the next change moves it aside).
    case damaged(file: String, why: String)
    /// A file of the store is a symlink, someone else's, or open to other users.
    case unsafeFile(path: String, why: String)
    /// The home's store was sealed (its marker file says so), it is gone (deleted, or moved aside as damaged), and
    /// this process has no key: a new store is started neither plain nor with a new key.
    case sealedWithoutKey(marker: String, source: String)

    public var description: String {
        switch self {
        case .noKey(let source):
            "the secret store is sealed and its key is missing (\(source) does not exist). Set SWITCHBOARD_SECRETS_KEY to the key it was sealed with, or put the key file back; nothing was changed."
        case .wrongKey(let source, let keyID, let storeKeyID):
            "the key from \(source) (id \(keyID)) does not open the secret store\(storeKeyID.map { ", which was sealed with the key \($0)" } ?? ""). Use the key it was sealed with; nothing was changed."
        case .badKey(let source, let why):
            "the secret store's key from \(source) cannot be used: \(why)"
        case .newerVersion(let file, let version):
            "\(file) was written by a newer Switchboard (store version \(version)); update Switchboard. Nothing was changed."
        case .plainWhereSealedExpected(let file):
            "SWITCHBOARD_ENCRYPT_SECRETS=1, but \(file) is not sealed. " + RemedyStep.say([RemedyStep(.sealSecrets(seal: true), when: "To seal it"), RemedyStep(.advice("Or unset the variable if you decrypted it on purpose."))], with: \.sentence)
        case .damaged(let file, let why):
            "\(file) is damaged (\(why)). The next change (connect, refresh, add…) moves it aside as \(file).broken-<time>, which holds secrets: delete it once you no longer need it."
        case .unsafeFile(let path, let why):
            "refusing to use \(path): \(why)"
        case .sealedWithoutKey(let marker, let source):
            "the secret store here was sealed (\(marker) says so) and this process has no key (SWITCHBOARD_SECRETS_KEY is not set and \(source) does not exist), so no new store was written: neither in plain JSON nor with a new key. Give it the key (set SWITCHBOARD_SECRETS_KEY, or put the key file back), or, to start a plain store on purpose, \(RemedyStep.lowercasedFirst(Remedy.sealSecrets(seal: false).sentence))."
        }
    }
}
