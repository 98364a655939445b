import ArgumentParser
import Foundation
import SwitchboardCore

extension Switchboard {
    /// `switchboard store-writer` (hidden): writes the secret store as fast as it can and prints `ack N`
    /// after each write is durable. The crash-safety tests kill it with SIGKILL at random moments.
    struct StoreWriter: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "store-writer", shouldDisplay: false)
        @OptionGroup var global: GlobalOptions
        @Option(help: "The first operation's number.") var start = 0
        @Option(help: "How many operations (0: until killed).") var count = 0
        @Option(help: "Journal size that triggers a new snapshot, in bytes.") var compactionFloor = 8192

        /// Operation `i` of the deterministic sequence the tests model: mostly new schemes, some overwrites
        /// of one shared scheme, and deletions (which fold the journal into a new snapshot).
        enum Operation: Equatable {
            case set(String, String)
            case delete(String)

            init(_ i: Int) {
                if i % 17 == 16 { self = .delete("w-\(i - 10)") } else if i % 5 == 4 { self = .set("shared", "v-\(i)") } else { self = .set("w-\(i)", "v-\(i)") }
            }
        }

        func run() throws {
            let store = SecretStore(home: global.resolvedHome, encryption: .fromEnvironment(), compactionFloor: compactionFloor,
                                    warn: { Console.warn($0) })
            var i = start
            while count == 0 || i < start + count {
                switch Operation(i) {
                case .set(let key, let value): try store.updateScheme(key) { $0.bearerToken = value }
                case .delete(let key): try store.update { $0.schemes[key] = nil }
                }
                Output.line("ack \(i)")
                i += 1
            }
        }
    }
}
