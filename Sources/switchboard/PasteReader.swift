import Foundation
import Synchronization

/// Reads pasted lines from standard input on a thread of its own (the flow keeps running), until `handle`
/// accepts one.
enum PasteReader {
    static func start(_ handle: @escaping @Sendable (String) async -> Bool) {
        let thread = Thread {
            while let line = readLine(strippingNewline: true) {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                guard !trimmed.isEmpty else { continue }
                let accepted = Mutex(false)
                let done = DispatchSemaphore(value: 0)
                Task {
                    let ok = await handle(trimmed)
                    accepted.withLock { $0 = ok }
                    done.signal()
                }
                done.wait()
                if accepted.withLock({ $0 }) { return }
            }
        }
        thread.start()
    }
}
