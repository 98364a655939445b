import Foundation
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
    }

    /// Merges `entries` into the client's file at `path` (see `merge`) and writes it: a copy of the previous
    /// file first (`FILE.switchboard-backup-<ISO 8601>`, mode 0600: these files may hold tokens), then the
    /// new contents to a temporary file in the same directory, fsynced and renamed over the old one. A missing
    /// file is created (with its directories); an unchanged one is not touched. If the client rewrites its
    /// file while this runs, the merge starts again from what it wrote, so its change is not lost.
    public static func write(_ entries: [Entry], client: MCPClient, to path: String, replaceMCPRemote: Bool,
                             now: Date) throws(ExportError) -> WriteReport {
        let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
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
            var report = WriteReport(file: target, actions: merged.actions, backup: nil, created: previous == nil, changed: merged.changed)
            guard merged.changed else { return report }
            guard try readClientFile(target) == previous else { continue }
            do {
                let url = URL(fileURLWithPath: target)
                let directory = url.deletingLastPathComponent()
                if !FileManager.default.fileExists(atPath: directory.path) {
                    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                }
                if let previous { report.backup = try backup(previous, of: target, now: now) }
                try FileSystem.writeAtomically(Data(merged.text.utf8), to: url, mode: FileSystem.mode(of: url) ?? 0o600)
            } catch {
                throw .file(target, "could not be written (\(error))")
            }
            return report
        }
        throw .file(target, "kept changing while Switchboard merged into it (is the client rewriting it?); quit the client and run again")
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

    /// Copies `data` to `PATH.switchboard-backup-<yyyyMMdd'T'HHmmss'Z'>` (ISO 8601 basic format: no colons,
    /// which some file systems refuse), with `-2`, `-3`… when one of that second exists. Returns its path.
    static func backup(_ data: Data, of path: String, now: Date) throws -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        let base = path + ".switchboard-backup-" + formatter.string(from: now)
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
}
