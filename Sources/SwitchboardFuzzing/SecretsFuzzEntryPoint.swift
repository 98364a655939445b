import Crypto
import Foundation
import SwitchboardCore

extension SecretStore {
    /// The secrets file reader on raw bytes, for the libFuzzer target and its regression tests: the
    /// first byte picks snapshot or journal (and sealed records), the rest is the file. Must return
    /// normally on any input. Sealed inputs are opened with a fixed key and the associated data of
    /// store `fuzz`, generation 1, so a mutated box exercises the authentication path.
    public static func fuzzRead(_ data: Data) {
        _ = fuzzDecodedSchemes(data)
    }

    /// What `fuzzRead` read: the schemes of an opened snapshot, or the scheme changes of the journal's
    /// intact records; nil when a snapshot was refused. For tests that check a seed really opens.
    public static func fuzzDecodedSchemes(_ data: Data) -> Int? {
        guard let selector = data.first else { return nil }
        let body = data.dropFirst()
        let key = SymmetricKey(data: Data(repeating: 7, count: 32))
        if selector & 1 == 0 {
            return (try? SecretsEnvelope.decode(Data(body), file: "fuzz", keySource: "the fuzzer's key") { () throws(SecretStoreError) in key })?.file.schemes.count
        }
        let context = SecretsJournal.Context(storeID: "fuzz", generation: 1, version: selector & 4 == 4 ? 1 : 2, key: key)
        let parsed = SecretsJournal.parse(Data(body), base: 0, sealed: selector & 2 == 2, context: context)
        precondition(parsed.validEnd <= body.count, "the intact part ends past the data")
        precondition(parsed.records == parsed.changes.count, "every intact record was counted")
        return parsed.changes.reduce(0) { $0 + $1.count }
    }

    /// A sealed snapshot and journal of `file` as the fuzzer's key would write them (store `fuzz`, generation 1):
    /// seeds for the corpus and inputs for the regression tests.
    public static func fuzzSeeds(_ file: SecretsFile) throws -> (snapshot: Data, journal: Data) {
        let key = SymmetricKey(data: Data(repeating: 7, count: 32))
        let snapshot = try SecretsEnvelope.encodeSealed(file, key: key, generation: 1, storeID: "fuzz")
        let context = SecretsJournal.Context(storeID: "fuzz", generation: 1, version: 2, key: key)
        var journal = try SecretsJournal.headerLine(generation: 1, sealed: true, storeID: "fuzz")
        for (index, id) in file.schemes.keys.sorted().enumerated() {
            journal.append(try SecretsJournal.recordLine([id: file.schemes[id]], context: context, index: index))
        }
        return (snapshot, journal)
    }
}
