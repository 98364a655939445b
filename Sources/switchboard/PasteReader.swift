import Foundation

/// Reads pasted lines from standard input on a thread of its own (the flow keeps running), until `handle`
/// accepts one.
enum PasteReader {
    static func start(_ handle: @escaping @Sendable (String) async -> Bool) {
        let thread = Thread {
            while let line = readLine(strippingNewline: true) {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                guard !trimmed.isEmpty else { continue }
                let done = DispatchSemaphore(value: 0)
                nonisolated(unsafe) var accepted = false
                Task {
                    accepted = await handle(trimmed)
                    done.signal()
                }
                done.wait()
                if accepted { return }
            }
        }
        thread.start()
    }
}
