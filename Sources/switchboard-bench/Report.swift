import ArgumentParser
import Foundation
import SwitchboardCore

enum Report {
    static func format(_ v: Double) -> String {
        v >= 100 ? String(format: "%.0f", v) : v >= 10 ? String(format: "%.1f", v) : String(format: "%.2f", v)
    }

    static func line(_ r: Result) -> String {
        let target = r.target.map { "≤ \(format($0)) \(r.unit)" } ?? ""
        let verdict = r.met.map { $0 ? "met" : "MISSED" } ?? ""
        let notes = r.notes.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        return "\(r.scenario.padding(toLength: 44, withPad: " ", startingAt: 0)) min \(format(r.min)) · median \(format(r.median)) · p95 \(format(r.p95)) \(r.unit) (n=\(r.runs))  \(target) \(verdict)  \(notes)"
    }
}
