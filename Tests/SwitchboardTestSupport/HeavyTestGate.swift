/// Tests that keep both cores busy for seconds (many processes at once) take turns, so the suite never
/// stacks them on top of each other and starves the loopback servers of the tests around them.
public actor HeavyTestGate {
    public static let shared = HeavyTestGate()
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    public func run<T: Sendable>(_ body: @Sendable () async throws -> T) async rethrows -> T {
        while busy { await withCheckedContinuation { waiting.append($0) } }
        busy = true
        defer {
            busy = false
            if !waiting.isEmpty { waiting.removeFirst().resume() }
        }
        return try await body()
    }
}
