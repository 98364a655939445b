import Crypto
import Foundation

extension SecretStore {
    /// The secrets file reader on raw bytes, for the libFuzzer target and its regression tests: the
    /// first byte picks snapshot or journal, the rest is the file. Must return normally on any input.
    public static func fuzzRead(_ data: Data) {
        guard let selector = data.first else { return }
        let body = data.dropFirst()
        let key = SymmetricKey(data: Data(repeating: 7, count: 32))
        if selector & 1 == 0 {
            _ = try? SecretsEnvelope.decode(Data(body), file: "fuzz") { key }
        } else {
            let parsed = SecretsJournal.parse(Data(body), base: 0, sealed: selector & 2 == 2) { key }
            precondition(parsed.validEnd <= body.count, "the intact part ends past the data")
        }
    }
}
