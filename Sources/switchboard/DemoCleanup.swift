import Acquisition
import ArgumentParser
import Foundation
import SwitchboardCore
import SwitchboardWiring
import SwitchboardFixtures

/// Ctrl-C during `demo --script` (no screen to catch it): the temporary home is removed before the process ends.
enum DemoCleanup {
    static func removeOnInterrupt(_ dir: String) -> (any DispatchSourceSignal)? {
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler {
            try? FileManager.default.removeItem(atPath: dir)
            exit(130)
        }
        source.resume()
        return source
    }
}
