import Foundation
import SwitchboardCore
import SwitchboardTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `.ci/install --uninstall`, the real script, on a temporary PREFIX: it removes what the manifest lists and
/// nothing else. A line that climbs out of PREFIX, a symlinked folder, or a manifest someone else could have
/// written is refused before anything is removed; a listed symlink is removed itself, never its target.
@Suite struct InstallUninstallTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../.ci/install").standardized

    /// A PREFIX holding an install (a binary and a man page), and a file beside it that must survive.
    struct Fixture {
        let tmp = TemporaryDirectory("switchboard-uninstall")
        var prefix: URL { tmp.path("prefix") }
        var outside: URL { tmp.path("outside-victim") }
        var manifest: URL { prefix.appendingPathComponent("share/switchboard/install-manifest") }
        var binary: URL { prefix.appendingPathComponent("bin/switchboard") }
        var page: URL { prefix.appendingPathComponent("share/man/man1/switchboard.1") }

        init() throws {
            for dir in ["bin", "share/man/man1", "share/switchboard"] {
                try FileManager.default.createDirectory(at: prefix.appendingPathComponent(dir), withIntermediateDirectories: true)
            }
            try Data("binary".utf8).write(to: binary)
            try Data("page".utf8).write(to: page)
            try Data("precious".utf8).write(to: outside)
        }

        func list(_ lines: [String]) throws {
            try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: manifest)
            chmod(manifest.path, 0o644)
        }

        func uninstall() throws -> (status: Int32, stdout: String, stderr: String) {
            var env = ProcessInfo.processInfo.environment
            env["PREFIX"] = prefix.path
            let r = try Spawned.run(["/bin/bash", InstallUninstallTests.script.path, "--uninstall"], stdin: nil, environment: env)
            return (r.status, String(decoding: r.stdout, as: UTF8.self), String(decoding: r.stderr, as: UTF8.self))
        }

        func exists(_ url: URL) -> Bool {
            var st = stat()
            return lstat(url.path, &st) == 0
        }
    }

    @Test func aCleanManifestRemovesExactlyWhatItLists() throws {
        let f = try Fixture()
        defer { f.tmp.remove() }
        try f.list([f.binary.path, f.page.path, f.prefix.path + "/share/zsh/site-functions/_switchboard"])
        let r = try f.uninstall()
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!f.exists(f.binary) && !f.exists(f.page) && !f.exists(f.manifest))
        #expect(f.exists(f.outside))
        #expect(r.stdout.contains("Removed Switchboard from"))
    }

    @Test(arguments: ["/../outside-victim", "/share/../../outside-victim", "/bin/../../outside-victim", "/./bin/../../outside-victim"])
    func aLineClimbingOutOfPrefixIsRefusedAndNothingIsRemoved(_ tail: String) throws {
        let f = try Fixture()
        defer { f.tmp.remove() }
        try f.list([f.binary.path, f.prefix.path + tail])
        let r = try f.uninstall()
        #expect(f.exists(f.outside), "a file outside PREFIX was deleted")
        #expect(r.status != 0)
        #expect(r.stderr.contains("refus"), "\(r.stderr)")
        #expect(r.stderr.contains("outside-victim") && r.stderr.contains(".."), "\(r.stderr)")
        #expect(f.exists(f.binary) && f.exists(f.manifest), "a refused manifest removes nothing")
    }

    @Test func aSymlinkedFolderIsNeverFollowed() throws {
        let f = try Fixture()
        defer { f.tmp.remove() }
        // share/man is a link to a folder outside PREFIX that holds a file of the same name.
        let elsewhere = f.tmp.path("elsewhere")
        try FileManager.default.createDirectory(at: elsewhere.appendingPathComponent("man1"), withIntermediateDirectories: true)
        let victim = elsewhere.appendingPathComponent("man1/switchboard.1")
        try Data("someone else's page".utf8).write(to: victim)
        try FileManager.default.removeItem(at: f.prefix.appendingPathComponent("share/man"))
        try FileManager.default.createSymbolicLink(atPath: f.prefix.appendingPathComponent("share/man").path, withDestinationPath: elsewhere.path)
        try f.list([f.binary.path, f.page.path])
        let r = try f.uninstall()
        #expect(f.exists(victim), "a file was deleted through a symlinked folder")
        #expect(r.status != 0)
        #expect(r.stderr.contains("symbolic link") && r.stderr.contains("share/man"), "\(r.stderr)")
        #expect(f.exists(f.binary))
    }

    @Test func aListedSymlinkIsRemovedButNotItsTarget() throws {
        let f = try Fixture()
        defer { f.tmp.remove() }
        try FileManager.default.removeItem(at: f.binary)
        try FileManager.default.createSymbolicLink(atPath: f.binary.path, withDestinationPath: f.outside.path)
        try f.list([f.binary.path])
        let r = try f.uninstall()
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!f.exists(f.binary), "the link itself is removed")
        #expect(f.exists(f.outside), "the link's target was deleted")
    }

    @Test func aManifestOthersCouldHaveWrittenIsRefused() throws {
        let f = try Fixture()
        defer { f.tmp.remove() }
        try f.list([f.binary.path])
        chmod(f.manifest.path, 0o666)
        var r = try f.uninstall()
        #expect(r.status != 0 && f.exists(f.binary), "a world-writable manifest was used")
        #expect(r.stderr.contains("writable") && r.stderr.contains("install-manifest"), "\(r.stderr)")
        chmod(f.manifest.path, 0o664)
        r = try f.uninstall()
        #expect(r.status != 0 && f.exists(f.binary), "a group-writable manifest was used")
        chmod(f.manifest.path, 0o644)
        if geteuid() == 0 {
            chown(f.manifest.path, 65534, 65534)
            r = try f.uninstall()
            #expect(r.status != 0 && f.exists(f.binary), "someone else's manifest was used")
            #expect(r.stderr.contains("belongs to user 65534"), "\(r.stderr)")
            chown(f.manifest.path, 0, 0)
        }
        // A manifest that is itself a link is refused too.
        let real = f.tmp.path("real-manifest")
        try FileManager.default.moveItem(at: f.manifest, to: real)
        try FileManager.default.createSymbolicLink(atPath: f.manifest.path, withDestinationPath: real.path)
        r = try f.uninstall()
        #expect(r.status != 0 && f.exists(f.binary) && f.exists(real), "a symlinked manifest was used")
        #expect(r.stderr.contains("symbolic link"), "\(r.stderr)")
    }

    @Test func aListedFolderIsRefused() throws {
        let f = try Fixture()
        defer { f.tmp.remove() }
        try f.list([f.prefix.path + "/share/man"])
        let r = try f.uninstall()
        #expect(r.status != 0 && f.exists(f.page), "\(r.stderr)")
        #expect(r.stderr.contains("not a file"), "\(r.stderr)")
    }
}
