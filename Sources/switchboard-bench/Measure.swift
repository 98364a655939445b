import Foundation

/// Runs `body` `runs` times after `warmup` runs and returns each run's time in `unit`s.
func sample(runs: Int, warmup: Int = 1, scale: Double, _ body: () throws -> Void) rethrows -> [Double] {
    for _ in 0..<warmup { try body() }
    var out: [Double] = []
    out.reserveCapacity(runs)
    for _ in 0..<runs {
        let t0 = Clock.now()
        try body()
        out.append(Double(Clock.now() - t0) / scale)
    }
    return out
}

func sampleAsync(runs: Int, warmup: Int = 1, scale: Double, _ body: () async throws -> Void) async rethrows -> [Double] {
    for _ in 0..<warmup { try await body() }
    var out: [Double] = []
    for _ in 0..<runs {
        let t0 = Clock.now()
        try await body()
        out.append(Double(Clock.now() - t0) / scale)
    }
    return out
}

let ms = 1_000_000.0
let us = 1_000.0
