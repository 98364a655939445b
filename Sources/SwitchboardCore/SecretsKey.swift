import Crypto
import Foundation

/// Where the secret store's encryption key comes from.
public struct SecretsEncryption: Sendable {
    /// Whether new writes are sealed (`SWITCHBOARD_ENCRYPT_SECRETS=1`).
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

    /// The key; `create` makes a key file when none exists (only on write: a reader never invents a key).
    func key(create: Bool) throws -> SymmetricKey {
        if let keyBase64 {
            guard let raw = Data(base64Encoded: keyBase64), raw.count == 32 else {
                throw InvalidInput("SWITCHBOARD_SECRETS_KEY must be 32 bytes in base64 (e.g. `head -c32 /dev/urandom | base64`)")
            }
            return SymmetricKey(data: raw)
        }
        if let data = try FileSystem.read(keyFile) {
            guard let raw = Data(base64Encoded: String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)),
                  raw.count == 32 else { throw InvalidInput("the key file \(keyFile.path) does not hold a 32-byte base64 key") }
            return SymmetricKey(data: raw)
        }
        guard create else { throw InvalidInput("no key file at \(keyFile.path) and SWITCHBOARD_SECRETS_KEY is not set") }
        try FileSystem.makeDirectory(keyFile.deletingLastPathComponent(), mode: 0o700)
        let key = SymmetricKey(size: .bits256)
        let text = key.withUnsafeBytes { Data($0).base64EncodedString() } + "\n"
        try FileSystem.writeAtomically(Data(text.utf8), to: keyFile, mode: 0o600)
        return key
    }
}
