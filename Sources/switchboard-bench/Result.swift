import Foundation

/// One scenario's samples and its target.
struct Result: Codable {
    var scenario: String
    var unit: String
    var runs: Int
    var min: Double
    var median: Double
    var p95: Double
    var target: Double?
    /// Extra figures a scenario reports (counts, ratios).
    var notes: [String: String] = [:]

    /// Whether the median reaches the target (nil: no target).
    var met: Bool?

    init(_ scenario: String, unit: String, samples: [Double], target: Double?, notes: [String: String] = [:]) {
        let sorted = samples.sorted()
        self.scenario = scenario
        self.unit = unit
        self.runs = sorted.count
        self.min = sorted.first ?? .nan
        self.median = sorted.isEmpty ? .nan : sorted[sorted.count / 2]
        self.p95 = sorted.isEmpty ? .nan : sorted[Swift.min(sorted.count - 1, Int((Double(sorted.count) * 0.95).rounded(.up)) - 1)]
        self.target = target
        self.notes = notes
        self.met = target.map { median <= $0 }
    }
}
