import Foundation
import SwitchboardTestSupport
import Testing

/// The rooms of the code, as Package.swift declares them: what a target may reach, read from the manifest and
/// from the sources' imports, so a dependency that crosses a wall fails here before a review has to find it.
@Suite struct ArchitectureTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Each target's direct dependencies (targets and products by name), read from Package.swift.
    static func graph() throws -> [String: [String]] {
        let package = try String(contentsOf: root.appendingPathComponent("Package.swift"), encoding: .utf8)
        let target = try NSRegularExpression(pattern: #"\.(?:target|executableTarget|systemLibrary|testTarget)\(\s*name:\s*"([^"]+)""#)
        let ns = package as NSString
        var graph: [String: [String]] = [:]
        for m in target.matches(in: package, range: NSRange(location: 0, length: ns.length)) {
            let name = ns.substring(with: m.range(at: 1))
            // The dependency list is the first `dependencies: [` after the name, up to its matching `]`.
            let after = ns.substring(from: m.range.upperBound)
            guard let open = after.range(of: "dependencies: ["),
                  after[..<open.lowerBound].range(of: ".target(") == nil, after[..<open.lowerBound].range(of: "Target(") == nil,
                  after[..<open.lowerBound].range(of: ".systemLibrary(") == nil
            else { graph[name] = []; continue }
            var depth = 1
            var end = open.upperBound
            while depth > 0, end < after.endIndex {
                if after[end] == "[" { depth += 1 } else if after[end] == "]" { depth -= 1 }
                end = after.index(after: end)
            }
            let list = String(after[open.upperBound..<end])
            let names = try NSRegularExpression(pattern: #"\.product\(name:\s*"([^"]+)"|"([^"]+)""#)
            let ls = list as NSString
            var deps: [String] = []
            for d in names.matches(in: list, range: NSRange(location: 0, length: ls.length)) {
                if d.range(at: 1).location != NSNotFound { deps.append(ls.substring(with: d.range(at: 1))) }
                else if d.range(at: 2).location != NSNotFound {
                    // A product's `package:` string follows its name; it is no dependency of its own.
                    let before = ls.substring(to: d.range.location)
                    if !before.hasSuffix("package: ") { deps.append(ls.substring(with: d.range(at: 2))) }
                }
            }
            graph[name] = deps
        }
        return graph
    }

    static func reach(_ target: String, in graph: [String: [String]]) -> Set<String> {
        var seen: Set<String> = []
        var stack = [target]
        while let t = stack.popLast() {
            for d in graph[t] ?? [] where seen.insert(d).inserted { stack.append(d) }
        }
        return seen
    }

    @Test func theManifestIsRead() throws {
        let g = try Self.graph()
        #expect(g["SwitchboardStorage"]?.contains("Crypto") == true)
        #expect(g["ClientConfigs"]?.contains("TOMLKit") == true)
        #expect(Self.reach("switchboard", in: g).contains("TOMLKit"))
    }

    /// The screen's pure target reads the model and the text for people; it never links the stores, the system
    /// calls, the other clients' configuration (TOMLKit), the engine or the network.
    @Test func theScreenReachesNoStoreNoSystemCallAndNoTOML() throws {
        let reach = Self.reach("SwitchboardApp", in: try Self.graph())
        #expect(reach.contains("SwitchboardModel") && reach.contains("SwitchboardText"))
        for wall in ["SwitchboardStorage", "SwitchboardSystem", "ClientConfigs", "SwitchboardCore", "TOMLKit", "Crypto",
                     "Acquisition", "MCPSession", "AsyncHTTPClient", "NIOPosix", "CProcessMemory"] {
            #expect(!reach.contains(wall), "SwitchboardApp reaches \(wall)")
        }
    }

    /// The model is the bottom room: it depends on nothing of ours and does no I/O through a library.
    @Test func theModelDependsOnNothing() throws {
        #expect(Self.reach("SwitchboardModel", in: try Self.graph()).isEmpty)
        #expect(Self.reach("SwitchboardText", in: try Self.graph()) == ["SwitchboardModel"])
        #expect(!Self.reach("SwitchboardStorage", in: try Self.graph()).contains("TOMLKit"))
    }

    /// Imports agree with the manifest: no file of a room imports a room it does not depend on (SwiftPM would let
    /// a transitive module through on some platforms).
    @Test func sourcesImportOnlyWhatTheirTargetDependsOn() throws {
        let g = try Self.graph()
        let ours = Set(g.keys)
        for room in ["SwitchboardModel", "SwitchboardText", "SwitchboardSystem", "SwitchboardStorage", "ClientConfigs", "SwitchboardApp"] {
            let allowed = Self.reach(room, in: g)
            let dir = Self.root.appendingPathComponent("Sources/\(room)")
            for file in try FileManager.default.contentsOfDirectory(atPath: dir.path) where file.hasSuffix(".swift") {
                let text = try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8)
                for line in text.split(separator: "\n") where line.hasPrefix("import ") || line.hasPrefix("@testable import ") {
                    let module = String(line.split(separator: " ").last ?? "")
                    if ours.contains(module) || module == "TOMLKit" || module == "Crypto" {
                        #expect(allowed.contains(module), "\(room)/\(file) imports \(module), which \(room) does not depend on")
                    }
                }
            }
        }
    }
}

/// Every type is in a file named after it: `Name.swift`, or `Name+Part.swift` for a part of it. A newcomer looking
/// for a type finds it by its name.
@Suite struct OneTypePerFileTests {
    @Test func everyTopLevelTypeIsInAFileNamedAfterIt() throws {
        let sources = ArchitectureTests.root.appendingPathComponent("Sources")
        let decl = try NSRegularExpression(pattern: #"^(?:@\w+(?:\([^)]*\))?\s+)*(?:(?:public|private|fileprivate|internal|package|final|nonisolated|indirect|open)\s+)*(?:struct|enum|class|actor|protocol)\s+(\w+)"#,
                                           options: [.anchorsMatchLines])
        var files = 0
        let walker = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)
        while let url = walker?.nextObject() as? URL {
            guard url.pathExtension == "swift" else { continue }
            files += 1
            let base = url.deletingPathExtension().lastPathComponent
            let main = String(base.split(separator: "+").first ?? "")
            let text = try String(contentsOf: url, encoding: .utf8)
            let ns = text as NSString
            for m in decl.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
                let name = ns.substring(with: m.range(at: 1))
                #expect(name == main || name == base, "\(url.path.replacingOccurrences(of: sources.path + "/", with: "")) holds \(name): move it to \(name).swift")
            }
        }
        #expect(files > 150)
    }
}

/// The shipped binary holds the demo's well-behaved servers and nothing of the hostile ones the tests use.
@Suite struct ShippedBinaryTests {
    @Test func theShippedBinaryReachesNoHostileServer() throws {
        let g = try ArchitectureTests.graph()
        #expect(g["HostileFixtures"] != nil)
        for shipped in ["switchboard", "SwitchboardWiring", "SwitchboardFixtures"] {
            #expect(!ArchitectureTests.reach(shipped, in: g).contains("HostileFixtures"), "\(shipped) reaches HostileFixtures")
        }
    }

    /// What the hostile servers answer (an HTML token error, a forged redirect target, terminal escapes) is not in
    /// the built binary's bytes, nor the names of the switches that make them.
    @Test func theBuiltBinaryHoldsNoHostileAnswer() async throws {
        let answers = ["upstream exploded", "https://evil.example", "forged-state", "31mpwned", "HostileBehaviour",
                       // tokenRefusesClients' refusal, the clear-screen escape controlCharactersInAccessToken appended to access
                       // tokens, and the switches' names (FixtureOptions' fields and tool paging's cases, kept as reflection metadata).
                       "Missing client_id", "\u{1B}[2J", "nastyText", "controlCharactersInAccessToken", "tokenRefusesClients", "repeatCursor"]
        // The binary is over 100 MB: read and searched on a thread of its own, never on the cooperative
        // pool, whose two threads the deadline tests running beside it need.
        let found: [String: Bool] = try await offThePool {
            let binary = try Data(contentsOf: BinaryRunner.binary, options: .alwaysMapped)
            guard binary.count > 1_000_000 else { return [:] }
            var found: [String: Bool] = [:]
            for text in answers + ["integrations.json"] { found[text] = binary.range(of: Data(text.utf8)) != nil }
            return found
        }
        #expect(!found.isEmpty, "the binary is not over 1 MB")
        for text in answers {
            #expect(found[text] == false, "the shipped binary holds \(text.debugDescription)")
        }
        // The check can see: a string every build holds is found.
        #expect(found["integrations.json"] == true)
    }
}
