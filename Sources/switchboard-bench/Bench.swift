import ArgumentParser
import Foundation
import SwitchboardCore

@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "switchboard-bench",
        abstract: "Measure Switchboard's hot paths: min / median / p95 per scenario, against the targets in issues #7 and #15.")

    @Flag(help: "Print the results as JSON.") var json = false
    @Option(help: "Run only these scenarios (comma-separated names).") var only: String?
    @Flag(help: "Fewer runs and a 10-second idle window, for a quick look.") var quick = false
    @Option(help: "Only write a home with connections (and their secrets) to this directory, for profiling.") var populate: String?
    @Option(help: "How many connections --populate writes.") var count = 10_000
    @Option(help: "The switchboard binary the whole-process scenarios run (default: the one built next to this benchmark), e.g. the static release in .build-static/release/switchboard.")
    var binary: String?

    func run() async throws {
        if let populate {
            try Scenarios.populate(SwitchboardHome(directory: URL(fileURLWithPath: populate)), count)
            return
        }
        if let binary {
            setenv("SWITCHBOARD_BENCH_BINARY", URL(fileURLWithPath: binary).standardizedFileURL.path, 1)
        }
        let wanted = only.map { Set($0.split(separator: ",").map(String.init)) }
        var results: [Result] = []
        var announced = false
        for scenario in Scenarios.all where wanted?.contains(scenario.name) ?? true {
            if !json { FileHandle.standardError.write(Data("running \(scenario.name)…\n".utf8)) }
            if !json, scenario.wholeProcess, !announced {
                announced = true
                print("whole-process scenarios run \(try Child.binary()) (\(Child.linkage(of: try Child.binary())))")
            }
            let r = try await scenario.run(quick)
            results.append(contentsOf: r)
            if !json { for x in r { print(Report.line(x)) } }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(results), as: UTF8.self))
        }
    }
}
