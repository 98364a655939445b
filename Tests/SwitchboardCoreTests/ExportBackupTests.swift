import Foundation
import SwitchboardCore
@testable import ClientConfigs
import SwitchboardTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `export --write` on disk, in process: a client saving its file while Switchboard writes keeps its change, a
/// link that leads nowhere is refused, and backups (which may hold tokens) stay private and few.
@Suite struct ExportBackupTests {
    static let start = Date(timeIntervalSince1970: 1_750_000_000)

    static func entries(executable: String = "/usr/local/bin/switchboard") throws -> [ClientConfigExport.Entry] {
        let linear = Connection(name: "linear", serverURL: URL(string: "https://mcp.linear.app/mcp")!, schemes: [AuthScheme(kind: .oauthDynamic)])
        return try ClientConfigExport.entries(for: [linear], client: .cursor, via: .bridge, executable: executable, homeWords: [])
    }

    static func listing(_ dir: URL) -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).sorted() }

    static func servers(_ file: URL) throws -> Set<String> {
        let root = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: [String: Any]]
        return Set(root?["mcpServers"]?.keys.map { $0 } ?? [])
    }

    static let files = #"{"mcpServers": {"files": {"command": "npx", "args": ["fs"]}}}"#
    static let saved = #"{"mcpServers": {"files": {"command": "npx", "args": ["fs"]}, "notes": {"url": "https://notes.example/mcp", "headers": {"Authorization": "Bearer t0ken"}}}}"#

    /// The client saves its file after Switchboard read it, while the backup and the new contents are being
    /// written: the last look right before the rename sees it, and the merge starts again from what it saved.
    @Test func aClientSavingMeanwhileKeepsItsChange() throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let file = tmp.path("mcp.json")
        try Self.files.write(to: file, atomically: true, encoding: .utf8)
        var calls = 0
        let report = try ClientConfigExport.write(Self.entries(), client: .cursor, to: file.path, replaceMCPRemote: false, now: Self.start) {
            calls += 1
            if calls == 1 { try? Self.saved.write(to: file, atomically: true, encoding: .utf8) }
        }
        #expect(calls == 2)
        #expect(try Self.servers(file) == ["files", "notes", "linear"])
        // One backup, of what the file held when it was replaced: the client's save, not the stale first read.
        let backups = Self.listing(tmp.url).filter { $0.contains(".switchboard-backup-") }
        #expect(backups.count == 1 && report.backup == tmp.path(backups[0]).path, "\(backups)")
        #expect(try String(contentsOfFile: report.backup ?? "", encoding: .utf8) == Self.saved)
        #expect(Self.listing(tmp.url).count == 2, "no temporary file left: \(Self.listing(tmp.url))")
    }

    /// A client that saves every time is not written over: an error, its last save intact, nothing left behind.
    @Test func aClientThatKeepsSavingIsAnError() throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let file = tmp.path("mcp.json")
        try Self.files.write(to: file, atomically: true, encoding: .utf8)
        var calls = 0
        #expect {
            try ClientConfigExport.write(Self.entries(), client: .cursor, to: file.path, replaceMCPRemote: false, now: Self.start) {
                calls += 1
                try? Self.saved.replacingOccurrences(of: "t0ken", with: "t\(calls)").write(to: file, atomically: true, encoding: .utf8)
            }
        } throws: { "\($0)".contains("kept changing") && "\($0)".contains("Nothing was written") }
        #expect(try String(contentsOf: file, encoding: .utf8) == Self.saved.replacingOccurrences(of: "t0ken", with: "t\(calls)"))
        #expect(Self.listing(tmp.url) == ["mcp.json"])
    }

    /// A link to a file that does not exist is refused (renaming over it would put a file in the link's place);
    /// the link stays as it was and nothing is created.
    @Test func aLinkToNothingIsRefused() throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let link = tmp.path("mcp.json"), missing = tmp.path("dotfiles/mcp.json")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: missing.path)
        #expect {
            try ClientConfigExport.write(Self.entries(), client: .cursor, to: link.path, replaceMCPRemote: false, now: Self.start)
        } throws: { "\($0)".contains("symbolic link to \(missing.path), which does not exist") && "\($0)".contains("Nothing was written") }
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: link.path)) == missing.path)
        #expect(Self.listing(tmp.url) == ["mcp.json"])
    }

    /// Each write that changes the file keeps a backup, mode 0600; only the newest three of that file stay (the
    /// others are removed and named in the report); other files' backups and look-alikes are left alone.
    @Test func backupsArePrivateAndFew() throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let file = tmp.path("mcp.json")
        try Self.files.write(to: file, atomically: true, encoding: .utf8)
        let others = ["other.json.switchboard-backup-20200101T000000Z", "mcp.json.switchboard-backup-notes.txt"]
        for name in others { try "keep".write(to: tmp.path(name), atomically: true, encoding: .utf8) }
        var made: [String] = []
        for i in 0..<5 {
            // Another path to the binary each time, so each write changes the entry (and backs up the file).
            let report = try ClientConfigExport.write(Self.entries(executable: "/opt/sb\(i)/switchboard"), client: .cursor, to: file.path,
                                                      replaceMCPRemote: false, now: Self.start.addingTimeInterval(Double(i)))
            let backup = try #require(report.backup)
            #expect(FileSystem.mode(of: URL(fileURLWithPath: backup)) == 0o600)
            made.append((backup as NSString).lastPathComponent)
            #expect(report.removedBackups == (i < 3 ? [] : [tmp.path(made[i - 3]).path]), "\(i): \(report.removedBackups)")
        }
        #expect(Self.listing(tmp.url) == (["mcp.json"] + others + made.suffix(3)).sorted())
        // The newest backup is the file as the fourth write left it.
        #expect(try String(contentsOfFile: tmp.path(made[4]).path, encoding: .utf8).contains("/opt/sb3/switchboard"))
    }

    /// Backups of one second are numbered -2, -3…; the oldest go first, by time and then by number (-10 after -9).
    @Test func staleBackupsAreTheOldest() {
        let base = "mcp.json.switchboard-backup-"
        let names = [base + "20250101T000000Z", base + "20250101T000000Z-2", base + "20250101T000000Z-10", base + "20250101T000000Z-9",
                     base + "20240101T235959Z", base + "20250101T000000Z-x", "a" + base + "20200101T000000Z", base + "2025"]
        #expect(ClientConfigExport.staleBackups(names, of: "mcp.json", keep: 3, sparing: nil)
                == [base + "20250101T000000Z", base + "20240101T235959Z"])
        // The backup just made is kept even when a clock set back makes it look the oldest.
        #expect(ClientConfigExport.staleBackups(names, of: "mcp.json", keep: 3, sparing: base + "20240101T235959Z")
                == [base + "20250101T000000Z-2", base + "20250101T000000Z"])
    }
}
