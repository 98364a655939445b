import Foundation
import SwitchboardCore
import Synchronization

/// The live bridges as last seen, for the screen's ticks. While none runs a look costs one stat(2) of the
/// registry's directory (a bridge that starts adds a file there). While some run, each look asks the registry
/// again: a bridge killed with SIGKILL changes nothing on disk (only its lock goes), and request counts are
/// rewritten in place, so neither shows in the directory's stamp.
final class BridgeWatch: Sendable {
    private let registry: BridgeRegistry
    private let directory: FileWatch
    /// nil until the first look.
    private let last = Mutex<[BridgeRecord]?>(nil)

    init(_ registry: BridgeRegistry) {
        self.registry = registry
        directory = FileWatch(registry.directory)
    }

    /// The live bridges when they differ from the last look (the first look: when any run), else nil.
    func changed() -> [BridgeRecord]? {
        let moved = directory.changed()
        guard moved || last.withLock({ $0 != [] }) else { return nil }
        let now = registry.live()
        return last.withLock { seen in
            defer { seen = now }
            return seen == now || (seen == nil && now.isEmpty) ? nil : now
        }
    }
}
