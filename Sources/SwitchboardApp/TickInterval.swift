import Canvas
import Foundation
import SwitchboardModel
import SwitchboardText
import Synchronization

/// Milliseconds between ticks: 1 s while a countdown shows seconds, else 3 s (minutes and "ago" texts).
/// Written by the loop after each action, read by the ticker.
final class TickInterval: Sendable {
    private let value: Atomic<Int>

    init(for state: AppState) {
        value = Atomic(TickInterval.milliseconds(for: state))
    }

    var milliseconds: Int { value.load(ordering: .relaxed) }

    func update(for state: AppState) { value.store(TickInterval.milliseconds(for: state), ordering: .relaxed) }

    static func milliseconds(for state: AppState) -> Int {
        let soon = state.connections.contains { c in
            guard case .connected(let exp?) = c.primaryScheme?.status else { return false }
            return abs(exp.timeIntervalSince(state.now)) < 120
        }
        return soon ? 1000 : 3000
    }
}
