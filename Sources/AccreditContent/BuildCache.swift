import AccreditEngine
import AccreditSupport
import Foundation

/// The persistent build cache (`.accredit-cache/` in the working folder unless `--cache` says otherwise):
/// records of what a build or a check was made from, so that a run whose inputs did not change can skip
/// reading, checking and rendering altogether.
///
/// A record is text: a header with the format's version, lines, and a checksum line. It is never trusted
/// blindly: a record that is truncated, damaged, hand-edited or of another format version is ignored with
/// one warning, and the run does the whole work and writes a new one.
public struct BuildCache: Sendable {
  /// The folder of the records.
  public let folder: URL

  static let header = "accredit-cache 1"

  /// Creates a cache in `folder` (created when a record is first written).
  public init(folder: URL) {
    self.folder = folder
  }

  /// What reading a record found.
  public enum Lookup: Equatable, Sendable {
    /// No record of that name.
    case missing
    /// A record that cannot be trusted, and why.
    case damaged(String)
    /// The record's lines, between its header and its checksum.
    case found([String])
  }

  /// The record `name`.
  public func read(_ name: String) -> Lookup {
    let url = folder.appendingPathComponent(name)
    guard let data = FileManager.default.contents(atPath: url.path) else { return .missing }
    guard let text = String(data: data, encoding: .utf8) else { return .damaged("it is not text") }
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    guard lines.first == BuildCache.header else {
      return .damaged(lines.first?.hasPrefix("accredit-cache ") == true ? "another version wrote it" : "no header")
    }
    guard lines.count >= 3, lines.last == "" else { return .damaged("it is truncated") }
    lines.removeLast()
    let checksum = lines.removeLast()
    let body = Array(lines.dropFirst())
    guard checksum == BuildCache.checksum(body) else { return .damaged("its checksum does not match") }
    return .found(body)
  }

  /// Writes the record `name` (beside its final name, then renamed); a failure only costs the next run
  /// the work the record would have saved, so it is ignored.
  public func write(_ name: String, _ lines: [String]) {
    let text = ([BuildCache.header] + lines + [BuildCache.checksum(lines), ""]).joined(separator: "\n")
    let url = folder.appendingPathComponent(name)
    let temporary = folder.appendingPathComponent(".\(name).\(ProcessInfo.processInfo.processIdentifier).tmp")
    do {
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
      try Data(text.utf8).write(to: temporary)
      guard rename(temporary.path, url.path) == 0 else { throw CocoaError(.fileWriteUnknown) }
    } catch {
      try? FileManager.default.removeItem(at: temporary)
    }
  }

  /// Removes the record `name`, if any.
  public func remove(_ name: String) {
    try? FileManager.default.removeItem(at: folder.appendingPathComponent(name))
  }

  /// A record name for `parts` (folder paths, options): the same parts give the same name.
  public static func name(_ kind: String, _ parts: [String]) -> String {
    "\(kind)-\(String(StableHash.of(parts.joined(separator: "\u{0}")), radix: 16))"
  }

  private static func checksum(_ lines: [String]) -> String {
    "checksum \(String(StableHash.of(lines.joined(separator: "\n")), radix: 16))"
  }
}

/// The files of a folder by path, size, modification time (in nanoseconds) and inode, as git's index
/// keeps them: when none of these changed, neither did the file, short of someone setting the time back.
public struct FolderStamp: Equatable, Sendable {
  /// One line a file: `size mtime inode path`, sorted by path.
  public let lines: [String]
  /// The latest modification time among the files, in nanoseconds since 1970.
  public let newest: Int64

  /// Stamps the files `FolderJail` lists below `root` (with `only`, just those top-level entries); nil
  /// when the folder cannot be listed or has an entry it would not read (the full run reports it).
  public static func of(_ root: URL, only: Set<String>? = nil, what: String) -> FolderStamp? {
    guard let listing = try? FolderJail.list(root, only: only, what: what), listing.problems.isEmpty else {
      return nil
    }
    var lines: [String] = []
    lines.reserveCapacity(listing.files.count)
    var newest: Int64 = 0
    for file in listing.files {
      var status = stat()
      guard stat(file.location, &status) == 0 else { return nil }
      #if canImport(Darwin)
        let time = status.st_mtimespec
      #else
        let time = status.st_mtim
      #endif
      let mtime = Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
      newest = max(newest, mtime)
      lines.append("\(status.st_size) \(mtime) \(status.st_ino) \(file.path)")
    }
    return FolderStamp(lines: lines, newest: newest)
  }

  /// Whether a file was changed so recently that a change within the same clock tick could go unseen
  /// (git's "racily clean" entries): such a stamp is not recorded.
  public func isRacy(now: Date = Date()) -> Bool {
    Int64(now.timeIntervalSince1970 * 1_000_000_000) - newest < 2_000_000_000
  }
}
