import Foundation

/// The golden files under `Screens/`: every test that compares output with a committed file goes through here.
///
/// `SWITCHBOARD_RECORD_SCREENS=1 swift test --filter …` writes what the tests produce instead of comparing it
/// (then `git diff Screens/` shows what changed, on purpose).
public enum Golden {
    /// The repository's `Screens/` directory.
    public static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Screens").standardized

    /// The one variable that records the goldens anew.
    public static let recordVariable = "SWITCHBOARD_RECORD_SCREENS"

    public static var recording: Bool { ProcessInfo.processInfo.environment[recordVariable] == "1" }

    /// Compares `text` with `Screens/<name>`, byte for byte (or records it there, when recording). Nil when they
    /// agree; otherwise what the failure says: the rows that differ, both ways, or how to record a missing file.
    /// (It returns the message instead of failing the test itself: this target is linked into the benchmark
    /// too, which has no test library.)
    public static func mismatch(_ name: String, _ text: String) -> String? {
        let file = directory.appendingPathComponent(name)
        if recording {
            do { try text.write(to: file, atomically: true, encoding: .utf8) } catch {
                return "could not record Screens/\(name): \(error)"
            }
            return nil
        }
        guard let golden = try? String(contentsOf: file, encoding: .utf8) else {
            return "missing golden Screens/\(name); record it with \(recordVariable)=1 swift test --filter <the test>"
        }
        return golden == text ? nil : difference(name, golden: golden, produced: text)
    }

    /// Row by row: each row that differs, as the golden has it and as the test produced it.
    static func difference(_ name: String, golden: String, produced: String) -> String {
        let a = golden.components(separatedBy: "\n"), b = produced.components(separatedBy: "\n")
        var out = "the output differs from Screens/\(name) (\(recordVariable)=1 records it anew)\n"
        for i in 0..<max(a.count, b.count) {
            let was = a.indices.contains(i) ? a[i] : nil, now = b.indices.contains(i) ? b[i] : nil
            guard was != now else { continue }
            out += "row \(i):\n  golden:   \(was ?? "(none)")\n  produced: \(now ?? "(none)")\n"
        }
        return out
    }
}
