import Crypto
import Foundation
import SwitchboardModel
import SwitchboardText
import SwitchboardSystem
#if canImport(Glibc)
import Glibc
#endif

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
