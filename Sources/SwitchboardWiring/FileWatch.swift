import Acquisition
import Foundation
import MCPSession
import SwitchboardApp
import SwitchboardCore
import Synchronization

/// One file's stamp as last seen: whether it changed since the last look costs one stat(2).
final class FileWatch: Sendable {
    private let url: URL
    private let last: Mutex<FileSystem.Stamp?>

    init(_ url: URL) {
        self.url = url
        last = Mutex(FileSystem.stamp(of: url))
    }

    func changed() -> Bool {
        let now = FileSystem.stamp(of: url)
        return last.withLock { seen in
            defer { seen = now }
            return seen != now
        }
    }
}
