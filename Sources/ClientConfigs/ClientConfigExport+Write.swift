import Foundation
import SwitchboardModel
import SwitchboardText
import SwitchboardStorage
import SwitchboardSystem
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension ClientConfigExport {
    /// What `export --write` did to a client's file.
    public struct WriteReport: Sendable {
        /// The file written (a symbolic link is followed: dotfile managers link these files).
        public var file: String
        public var actions: [Action]
        /// Where the previous contents were copied, when there were any and the file changed.
        public var backup: String?
        public var created: Bool
        public var changed: Bool
        /// The client's entries replaced or removed, with what they were (the backup holds them as they were).
        public var displaced: [Displaced] = []
        /// Older backups of the file, removed so that only the newest `keptBackups` stay.
        public var removedBackups: [String] = []
    }

    /// How many backups of one file are kept: the newest (each may hold the tokens of the client's entries).
    public static let keptBackups = 3

    /// Merges `entries` into the client's file at `path` (see `merge`) and writes it: a copy of the previous
    /// file first (`FILE.switchboard-backup-<ISO 8601>`, mode 0600: these files may hold tokens; older copies
    /// beyond the newest `keptBackups` are removed), then the new contents to a temporary file in the same
    /// directory, fsynced and renamed over the old one. A missing file is created (with its directories); an
    /// unchanged one is not touched; a symbolic link that leads nowhere is refused. If the client saves its file
    /// while this runs (seen right before the rename), the merge starts again from what it saved, so its change
    /// is not lost.
    public static func write(_ entries: [Entry], client: MCPClient, to path: String, replaceMCPRemote: Bool,
                             now: Date) throws(ExportError) -> WriteReport {
        try write(entries, client: client, to: path, replaceMCPRemote: replaceMCPRemote, now: now, beforeRename: {})
    }

    /// `write`, with `beforeRename` run on each attempt once the backup and the new contents are on disk, right
    /// before the file is looked at one last time (tests save the file there, as a client would).
    static func write(_ entries: [Entry], client: MCPClient, to path: String, replaceMCPRemote: Bool,
                      now: Date, beforeRename: @escaping () -> Void) throws(ExportError) -> WriteReport {
        let target = try resolve(path)
        for _ in 0..<3 {
            let previous = try readClientFile(target)
            let text: String?
            if let previous {
                guard let decoded = String(validating: previous, as: UTF8.self) else {
                    throw .file(target, "is not UTF-8 text, which no MCP client writes")
                }
                text = decoded
            } else {
                text = nil
            }
            let merged = try merge(text, file: target, client: client, entries: entries, replaceMCPRemote: replaceMCPRemote)
            var report = WriteReport(file: target, actions: merged.actions, backup: nil, created: previous == nil,
                                     changed: merged.changed, displaced: merged.displaced)
            guard merged.changed else { return report }
            var savedMeanwhile = false
            do {
                let url = URL(fileURLWithPath: target)
                let directory = url.deletingLastPathComponent()
                if !FileManager.default.fileExists(atPath: directory.path) {
                    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                }
                if let previous { report.backup = try backup(previous, of: target, now: now) }
                try FileSystem.writeAtomically(Data(merged.text.utf8), to: url, mode: FileSystem.mode(of: url) ?? 0o600) { _ in
                    // The backup's and the new contents' fsyncs took a while: a client that saved the file
                    // meanwhile would lose its change under the rename. One last look, as late as it can be.
                    beforeRename()
                    var same = false
                    do { same = try readClientFile(target) == previous } catch {}
                    if !same {
                        savedMeanwhile = true
                        throw ExportError.file(target, "changed while it was written")
                    }
                }
            } catch {
                if savedMeanwhile {
                    // Its backup is of contents that are no longer the previous file: the next attempt makes one.
                    if let backup = report.backup { unlink(backup) }
                    continue
                }
                let kept = report.backup.map { " (the previous file is kept at \($0))" } ?? ""
                throw .file(target, "could not be written (\(error))\(kept)")
            }
            if let backup = report.backup { report.removedBackups = pruneBackups(of: target, sparing: backup) }
            return report
        }
        throw .file(target, "kept changing while Switchboard merged into it (is the client rewriting it?); quit the client and run again")
    }

    /// The file a write goes to: `path`, or where its symbolic links lead (dotfile managers link these files).
    /// A link that leads nowhere is refused: renaming over it would put a file of Switchboard's in its place.
    static func resolve(_ path: String) throws(ExportError) -> String {
        let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        var st = stat()
        guard lstat(target, &st) == 0, st.st_mode & S_IFMT == S_IFLNK else { return target }
        let destination = (try? FileManager.default.destinationOfSymbolicLink(atPath: target)) ?? "another path"
        throw .file(path, "is a symbolic link to \(destination), which does not exist (or is a loop of links); create that file, or remove the link, and run again")
    }

    /// The client's file, bounded as `import` reads it; nil when it does not exist.
    static func readClientFile(_ path: String) throws(ExportError) -> Data? {
        do {
            return try FileSystem.readRegular(path, limit: ClientConfigImport.maxFileBytes)
        } catch {
            switch error {
            case .missing: return nil
            case .notRegular: throw .file(path, "is not a regular file (a device, FIFO or directory); name the configuration file itself")
            case .tooLarge(let limit): throw .file(path, "is larger than \(limit >> 20) MiB, which no MCP client's configuration is")
            case .unreadable(let code): throw .file(path, "cannot be read (\(String(cString: strerror(code))))")
            }
        }
    }

    static let backupInfix = ".switchboard-backup-"

    /// Copies `data` to `PATH.switchboard-backup-<yyyyMMdd'T'HHmmss'Z'>` (ISO 8601 basic format: no colons,
    /// which some file systems refuse), mode 0600, with `-2`, `-3`… when one of that second exists. Returns its path.
    static func backup(_ data: Data, of path: String, now: Date) throws -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        let base = path + backupInfix + formatter.string(from: now)
        for n in 1...100 {
            let candidate = n == 1 ? base : "\(base)-\(n)"
            do {
                try FileSystem.createExclusively(data, at: URL(fileURLWithPath: candidate), mode: 0o600)
                return candidate
            } catch let error as FileSystemError where error.code == EEXIST {
                continue
            }
        }
        throw FileSystemError(operation: "create a backup of", path: path, code: EEXIST)
    }

    /// Removes the backups of `path` older than the newest `keptBackups` (`sparing`, the one just made, always
    /// stays); returns their paths. Only names `backup` makes are touched.
    static func pruneBackups(of path: String, sparing: String) -> [String] {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        let stale = staleBackups(names, of: url.lastPathComponent, keep: keptBackups, sparing: (sparing as NSString).lastPathComponent)
        return stale.map { directory + "/" + $0 }.filter { unlink($0) == 0 }
    }

    /// Which of `names` are backups of `file` beyond the newest `keep` (`sparing` counted first, whatever its
    /// time), oldest last. Newest means by the time in the name, then by its number (`-10` after `-9`).
    static func staleBackups(_ names: [String], of file: String, keep: Int, sparing: String?) -> [String] {
        let prefix = file + backupInfix
        let digit = { (c: Character) in c.isASCII && c.isNumber }
        let backups = names.compactMap { name -> (name: String, time: String, number: Int)? in
            guard name.hasPrefix(prefix) else { return nil }
            let rest = Array(name.dropFirst(prefix.count))
            guard rest.count >= 16, rest[8] == "T", rest[15] == "Z",
                  rest[0..<8].allSatisfy(digit), rest[9..<15].allSatisfy(digit) else { return nil }
            let suffix = rest[16...]
            if suffix.isEmpty { return (name, String(rest[0..<16]), 1) }
            guard suffix.first == "-", suffix.count > 1, suffix.dropFirst().allSatisfy(digit), let n = Int(String(suffix.dropFirst())) else { return nil }
            return (name, String(rest[0..<16]), n)
        }
        let newestFirst = backups.sorted { ($0.time, $0.number) > ($1.time, $1.number) }.map(\.name)
        var kept = sparing.map { [$0] } ?? []
        var stale: [String] = []
        for name in newestFirst where name != sparing {
            if kept.count < keep { kept.append(name) } else { stale.append(name) }
        }
        return stale
    }
}
