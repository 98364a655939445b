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

        func uninstall(prefix text: String? = nil) async throws -> (status: Int32, stdout: String, stderr: String) {
            var env = ProcessInfo.processInfo.environment
            env["PREFIX"] = text ?? prefix.path
            let r = try await Spawned.runDetached(["/bin/bash", InstallUninstallTests.script.path, "--uninstall"], environment: env)
            return (r.status, String(decoding: r.stdout, as: UTF8.self), String(decoding: r.stderr, as: UTF8.self))
        }

        func exists(_ url: URL) -> Bool {
            var st = stat()
            return lstat(url.path, &st) == 0
        }
    }

    @Test func aCleanManifestRemovesExactlyWhatItLists() async throws {
        let f = try Fixture()
        defer { f.tmp.remove() }
        try f.list([f.binary.path, f.page.path, f.prefix.path + "/share/zsh/site-functions/_switchboard"])
        let r = try await f.uninstall()
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!f.exists(f.binary) && !f.exists(f.page) && !f.exists(f.manifest))
        #expect(f.exists(f.outside))
        #expect(r.stdout.contains("Removed Switchboard from"))
    }

    @Test(arguments: ["/../outside-victim", "/share/../../outside-victim", "/bin/../../outside-victim", "/./bin/../../outside-victim"])
    func aLineClimbingOutOfPrefixIsRefusedAndNothingIsRemoved(_ tail: String) async throws {
        let f = try Fixture()
        defer { f.tmp.remove() }
        try f.list([f.binary.path, f.prefix.path + tail])
        let r = try await f.uninstall()
        #expect(f.exists(f.outside), "a file outside PREFIX was deleted")
        #expect(r.status != 0)
        #expect(r.stderr.contains("refus"), "\(r.stderr)")
        #expect(r.stderr.contains("outside-victim") && r.stderr.contains(".."), "\(r.stderr)")
        #expect(f.exists(f.binary) && f.exists(f.manifest), "a refused manifest removes nothing")
    }

    @Test func aSymlinkedFolderIsNeverFollowed() async throws {
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
        let r = try await f.uninstall()
        #expect(f.exists(victim), "a file was deleted through a symlinked folder")
        #expect(r.status != 0)
        #expect(r.stderr.contains("symbolic link") && r.stderr.contains("share/man"), "\(r.stderr)")
        #expect(f.exists(f.binary))
    }

    @Test func aListedSymlinkIsRemovedButNotItsTarget() async throws {
        let f = try Fixture()
        defer { f.tmp.remove() }
        try FileManager.default.removeItem(at: f.binary)
        try FileManager.default.createSymbolicLink(atPath: f.binary.path, withDestinationPath: f.outside.path)
        try f.list([f.binary.path])
        let r = try await f.uninstall()
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!f.exists(f.binary), "the link itself is removed")
        #expect(f.exists(f.outside), "the link's target was deleted")
    }

    @Test func aManifestOthersCouldHaveWrittenIsRefused() async throws {
        let f = try Fixture()
        defer { f.tmp.remove() }
        try f.list([f.binary.path])
        chmod(f.manifest.path, 0o666)
        var r = try await f.uninstall()
        #expect(r.status != 0 && f.exists(f.binary), "a world-writable manifest was used")
        #expect(r.stderr.contains("writable") && r.stderr.contains("install-manifest"), "\(r.stderr)")
        chmod(f.manifest.path, 0o664)
        r = try await f.uninstall()
        #expect(r.status != 0 && f.exists(f.binary), "a group-writable manifest was used")
        chmod(f.manifest.path, 0o644)
        if geteuid() == 0 {
            chown(f.manifest.path, 65534, 65534)
            r = try await f.uninstall()
            #expect(r.status != 0 && f.exists(f.binary), "someone else's manifest was used")
            #expect(r.stderr.contains("belongs to user 65534"), "\(r.stderr)")
            chown(f.manifest.path, 0, 0)
        }
        // A manifest that is itself a link is refused too.
        let real = f.tmp.path("real-manifest")
        try FileManager.default.moveItem(at: f.manifest, to: real)
        try FileManager.default.createSymbolicLink(atPath: f.manifest.path, withDestinationPath: real.path)
        r = try await f.uninstall()
        #expect(r.status != 0 && f.exists(f.binary) && f.exists(real), "a symlinked manifest was used")
        #expect(r.stderr.contains("symbolic link"), "\(r.stderr)")
    }

    @Test func aListedFolderIsRefused() async throws {
        let f = try Fixture()
        defer { f.tmp.remove() }
        try f.list([f.prefix.path + "/share/man"])
        let r = try await f.uninstall()
        #expect(r.status != 0 && f.exists(f.page), "\(r.stderr)")
        #expect(r.stderr.contains("not a file"), "\(r.stderr)")
    }

    // MARK: - The manifest's folders, a partial uninstall, a PREFIX with a trailing slash

    @Test func aManifestFolderOthersCanWriteIsRefused() async throws {
        let f = try Fixture()
        defer { f.tmp.remove() }
        try f.list([f.binary.path])
        for (folder, mode) in [("share/switchboard", 0o775), ("share/switchboard", 0o757), ("share", 0o777), ("share", 0o2775)] {
            let path = f.prefix.appendingPathComponent(folder).path
            chmod(path, mode_t(mode))
            let r = try await f.uninstall()
            #expect(r.status != 0 && f.exists(f.binary) && f.exists(f.manifest), "a manifest in a folder others can write (\(folder) \(String(mode, radix: 8))) was used")
            #expect(r.stderr.contains(folder) && r.stderr.contains("writable"), "\(r.stderr)")
            chmod(path, 0o755)
        }
        #expect(try await f.uninstall().status == 0)
    }

    @Test func aRemovalThatFailsKeepsTheManifestForARetry() async throws {
        let f = try Fixture()
        defer { f.tmp.remove() }
        try f.list([f.binary.path, f.page.path])
        // The page cannot be removed: an immutable file for root, a read-only folder for everyone else.
        let stuck = f.page.deletingLastPathComponent().path
        var unstick: () -> Void = {}
        if geteuid() == 0 {
            let r = try Spawned.run(["/usr/bin/env", "chattr", "+i", f.page.path], stdin: nil, environment: ProcessInfo.processInfo.environment)
            guard r.status == 0 else { return }  // no chattr, or a file system without it
            unstick = { _ = try? Spawned.run(["/usr/bin/env", "chattr", "-i", f.page.path], stdin: nil, environment: ProcessInfo.processInfo.environment) }
        } else {
            chmod(stuck, 0o555)
            unstick = { chmod(stuck, 0o755) }
        }
        defer { unstick() }
        var r = try await f.uninstall()
        #expect(r.status != 0)
        #expect(!f.exists(f.binary) && f.exists(f.page))
        #expect(f.exists(f.manifest), "the manifest was deleted although a file it lists is still there")
        let left = (try? String(contentsOf: f.manifest, encoding: .utf8)) ?? ""
        #expect(left == f.page.path + "\n", "the kept manifest lists what is left: \(left)")
        #expect(r.stderr.contains("run --uninstall again"), "\(r.stderr)")
        unstick()
        r = try await f.uninstall()
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!f.exists(f.page) && !f.exists(f.manifest))
    }

    @Test func anOldManifestWrittenWithATrailingSlashInPrefixIsUninstalled() async throws {
        let f = try Fixture()
        defer { f.tmp.remove() }
        // What the install wrote for PREFIX=/…/prefix/ before PREFIX was normalised: `//` at the join.
        try f.list([f.prefix.path + "//bin/switchboard", f.prefix.path + "//share/man/man1/switchboard.1"])
        let r = try await f.uninstall(prefix: f.prefix.path + "/")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!f.exists(f.binary) && !f.exists(f.page) && !f.exists(f.manifest))
        // `//` anywhere else is still refused.
        try FileManager.default.createDirectory(at: f.manifest.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("x".utf8).write(to: f.binary)
        try f.list([f.prefix.path + "/bin//switchboard"])
        #expect(try await f.uninstall().status != 0 && f.exists(f.binary))
    }

    // MARK: - Install, with the build replaced by a stand-in (the real script, in a copy of .ci/)

    /// A copy of the script in a scratch repository, with `swift` and `dpkg` on PATH replaced: `swift build`
    /// writes a stand-in `switchboard` and `generate-manual` into the scratch repository's `.build-static`.
    struct InstallFixture {
        let base = try! Fixture()
        var tmp: TemporaryDirectory { base.tmp }
        var repo: URL { tmp.path("repo") }
        var built: URL { repo.appendingPathComponent(".build-static/built") }

        init() throws {
            let ci = repo.appendingPathComponent(".ci")
            try FileManager.default.createDirectory(at: ci, withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: InstallUninstallTests.script, to: ci.appendingPathComponent("install"))
            let bin = tmp.path("fakebin")
            try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
            try Self.executable(bin.appendingPathComponent("dpkg"), "#!/bin/sh\nexit 0\n")
            try Self.executable(bin.appendingPathComponent("swift"), #"""
                #!/bin/bash
                scratch=; product=
                while [ $# -gt 0 ]; do case "$1" in --scratch-path) scratch="$2"; shift ;; --product) product="$2"; shift ;; esac; shift; done
                mkdir -p "$scratch/release"
                echo "$product" >> "$scratch/built"
                case "$product" in
                switchboard) printf '%s\n' '#!/bin/bash' 'case "$1" in --version) echo 9.9.9 ;; --help) printf "USAGE: switchboard\n\nSUBCOMMANDS:\n  token\n\n" ;; --generate-completion-script) echo "# $2" ;; esac' > "$scratch/release/switchboard" ;;
                generate-manual) printf '%s\n' '#!/bin/bash' 'while [ $# -gt 0 ]; do [ "$1" = --output-directory ] && out="$2"; shift; done' 'echo page > "$out/switchboard.1"; echo page > "$out/switchboard.token.1"' > "$scratch/release/generate-manual" ;;
                esac
                chmod +x "$scratch/release/$product"
                """#)
        }

        static func executable(_ url: URL, _ text: String) throws {
            try Data(text.utf8).write(to: url)
            chmod(url.path, 0o755)
        }

        func install(prefix text: String? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
            var env = ProcessInfo.processInfo.environment
            env["PREFIX"] = text ?? base.prefix.path
            env["PATH"] = tmp.path("fakebin").path + ":" + (env["PATH"] ?? "/usr/bin:/bin")
            let r = try Spawned.run(["/bin/bash", repo.appendingPathComponent(".ci/install").path], stdin: nil, environment: env)
            return (r.status, String(decoding: r.stdout, as: UTF8.self), String(decoding: r.stderr, as: UTF8.self))
        }

        var manifestText: String { (try? String(contentsOf: base.manifest, encoding: .utf8)) ?? "" }
    }

    @Test func anInstallThenUninstallLeavesThePrefixAsItWas() async throws {
        let i = try InstallFixture()
        defer { i.tmp.remove() }
        try FileManager.default.removeItem(at: i.base.prefix)
        let r = try i.install()
        #expect(r.status == 0, "\(r.stderr)")
        #expect(i.manifestText.contains(i.base.prefix.path + "/bin/switchboard\n"))
        var st = stat()
        #expect(lstat(i.base.manifest.path, &st) == 0 && st.st_mode & 0o7777 == 0o644)
        let u = try await i.base.uninstall()
        #expect(u.status == 0, "\(u.stderr)")
        #expect(!i.base.exists(i.base.binary) && !i.base.exists(i.base.manifest))
    }

    @Test(arguments: ["/", "//"])
    func aPrefixWithATrailingSlashInstallsAndUninstalls(_ tail: String) async throws {
        let i = try InstallFixture()
        defer { i.tmp.remove() }
        let r = try i.install(prefix: i.base.prefix.path + tail)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!i.manifestText.contains("//") && i.manifestText.contains(i.base.prefix.path + "/bin/switchboard\n"), "\(i.manifestText)")
        let u = try await i.base.uninstall(prefix: i.base.prefix.path + tail)
        #expect(u.status == 0, "\(u.stderr)")
        #expect(!i.base.exists(i.base.binary) && !i.base.exists(i.base.manifest))
    }

    @Test func anOldManifestThatIsASymlinkIsRefusedBeforeTheBuild() async throws {
        let i = try InstallFixture()
        defer { i.tmp.remove() }
        let secret = i.tmp.path("shadow")
        try Data("root:SECRET-HASH:19000::::::\n".utf8).write(to: secret)
        chmod(secret.path, 0o600)
        try FileManager.default.createSymbolicLink(atPath: i.base.manifest.path, withDestinationPath: secret.path)
        let r = try i.install()
        #expect(r.status != 0)
        #expect(r.stderr.contains("symbolic link") && r.stderr.contains("install-manifest"), "\(r.stderr)")
        #expect(!i.base.exists(i.built), "the build ran although the install was going to be refused")
        #expect(!i.manifestText.contains("SECRET") || (try? FileManager.default.destinationOfSymbolicLink(atPath: i.base.manifest.path)) == secret.path,
                "the linked file's contents were copied into the manifest")
        #expect((try? String(contentsOf: secret, encoding: .utf8)) == "root:SECRET-HASH:19000::::::\n")
    }

    @Test func anOldManifestOfSomeoneElseIsRefused() async throws {
        let i = try InstallFixture()
        defer { i.tmp.remove() }
        try i.base.list([i.base.binary.path])
        chmod(i.base.manifest.path, 0o666)
        let r = try i.install()
        #expect(r.status != 0 && !i.base.exists(i.built))
        #expect(r.stderr.contains("writable") && r.stderr.contains("install-manifest"), "\(r.stderr)")
    }

    @Test func foreignLinesOfAnOldManifestAreDropped() async throws {
        let i = try InstallFixture()
        defer { i.tmp.remove() }
        let stale = i.base.prefix.appendingPathComponent("share/man/man1/switchboard.gone.1")
        try Data("old page".utf8).write(to: stale)
        try i.base.list([stale.path, i.base.outside.path, i.base.prefix.path + "/../outside-victim", "/etc/passwd"])
        let r = try i.install()
        #expect(r.status == 0, "\(r.stderr)")
        let text = i.manifestText
        #expect(text.contains(stale.path + "\n"), "an earlier install's file is kept: \(text)")
        #expect(!text.contains("outside-victim") && !text.contains("/etc/passwd"), "\(text)")
        #expect(r.stderr.contains("/etc/passwd"), "\(r.stderr)")
        let u = try await i.base.uninstall()
        #expect(u.status == 0, "\(u.stderr)")
        #expect(!i.base.exists(stale) && i.base.exists(i.base.outside))
    }

    @Test func anInstallThroughASymlinkedFolderIsRefusedBeforeTheBuild() async throws {
        let i = try InstallFixture()
        defer { i.tmp.remove() }
        let elsewhere = i.tmp.path("elsewhere-bin")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        try FileManager.default.removeItem(at: i.base.prefix.appendingPathComponent("bin"))
        try FileManager.default.createSymbolicLink(atPath: i.base.prefix.appendingPathComponent("bin").path, withDestinationPath: elsewhere.path)
        let r = try i.install()
        #expect(r.status != 0 && !i.base.exists(i.built), "an install --uninstall would refuse went ahead")
        #expect(r.stderr.contains("symbolic link") && r.stderr.contains("/bin"), "\(r.stderr)")
        // A folder others can write, where the manifest goes, is refused the same way.
        try FileManager.default.removeItem(at: i.base.prefix.appendingPathComponent("bin"))
        chmod(i.base.prefix.appendingPathComponent("share").path, 0o777)
        let w = try i.install()
        #expect(w.status != 0 && !i.base.exists(i.built))
        #expect(w.stderr.contains("writable"), "\(w.stderr)")
    }
}
