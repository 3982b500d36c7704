import AccreditEngine
import AccreditSupport
import Foundation

/// The persistent build cache (`.accredit-cache/` in the working folder unless `--cache` says otherwise):
/// records of what a build or a check was made from, so that a run whose inputs did not change can skip
/// reading, checking and rendering altogether; and each content folder's parsed files (`ParseCache`).
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
    // Split on bytes: a record of 10,000 files is a megabyte, and a split on characters took a third of a
    // build with nothing to do.
    switch body(name) {
    case .missing: return .missing
    case .damaged(let why): return .damaged(why)
    case .found(let body):
      return .found(
        body.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast().map {
          String(decoding: $0, as: UTF8.self)
        })
    }
  }

  /// The lines of the record `name` as bytes, each ending in a line break, checked as `read` checks them;
  /// nil when it is missing or cannot be trusted. For records of a line per file, compared as bytes.
  public func readBody(_ name: String) -> ArraySlice<UInt8>? {
    guard case .found(let body) = body(name) else { return nil }
    return body
  }

  private enum Body {
    case missing
    case damaged(String)
    case found(ArraySlice<UInt8>)
  }

  private func body(_ name: String) -> Body {
    let url = folder.appendingPathComponent(name)
    guard let data = FileManager.default.contents(atPath: url.path) else { return .missing }
    let bytes = [UInt8](data)
    let newline = UInt8(ascii: "\n")
    let header = Array((BuildCache.header + "\n").utf8)
    guard bytes.starts(with: header) else {
      return .damaged(bytes.starts(with: Array("accredit-cache ".utf8)) ? "another version wrote it" : "no header")
    }
    guard bytes.last == newline, let checksumStart = bytes.dropLast().lastIndex(of: newline).map({ $0 + 1 }),
      checksumStart >= header.count
    else { return .damaged("it is truncated") }
    let body = bytes[header.count..<checksumStart]
    guard bytes[checksumStart..<(bytes.count - 1)].elementsEqual(BuildCache.checksum(body).utf8) else {
      return .damaged("its checksum does not match")
    }
    guard String(validating: body, as: UTF8.self) != nil else { return .damaged("it is not text") }
    return .found(body)
  }

  /// Writes the record `name` (beside its final name, then renamed); a failure only costs the next run
  /// the work the record would have saved, so it is ignored.
  public func write(_ name: String, _ lines: [String]) {
    write(name, body: Array(lines.map { $0 + "\n" }.joined().utf8))
  }

  /// Writes the record `name` whose lines, each ending in a line break, are `body`: for records of a line
  /// per file, made as bytes rather than as a string a line (`FolderStamp.appendLines`).
  public func write(_ name: String, body: [UInt8]) {
    var bytes = Array((BuildCache.header + "\n").utf8)
    bytes.reserveCapacity(bytes.count + body.count + 40)
    bytes += body
    bytes += BuildCache.checksum(body[...]).utf8
    bytes.append(UInt8(ascii: "\n"))
    ParseCache.replace(folder.appendingPathComponent(name), with: bytes)
    pruneRecords(olderThan: 30)
  }

  /// Removes the records nobody wrote for `days` days: of output folders built once, in a temporary place.
  private func pruneRecords(olderThan days: Double) {
    let manager = FileManager.default
    let limit = Date().addingTimeInterval(-days * 86_400)
    for name in (try? manager.contentsOfDirectory(atPath: folder.path)) ?? [] {
      let path = folder.appendingPathComponent(name).path
      if let modified = try? manager.attributesOfItem(atPath: path)[.modificationDate] as? Date, modified < limit {
        try? manager.removeItem(atPath: path)
      }
    }
  }

  /// `text` with its tabs, line breaks and `%` escaped, to be one field of a record's line.
  public static func escape(_ text: String) -> String {
    text.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\t", with: "%09")
      .replacingOccurrences(of: "\n", with: "%0A")
  }

  /// The text `escape` made `field` from.
  public static func unescape(_ field: some StringProtocol) -> String {
    field.replacingOccurrences(of: "%0A", with: "\n").replacingOccurrences(of: "%09", with: "\t")
      .replacingOccurrences(of: "%25", with: "%")
  }

  /// Where the parse cache (`ParseCache`) of the content folder `content` is kept.
  public func parseCacheFile(for content: URL) -> URL {
    folder.appendingPathComponent(BuildCache.name("parse", [content.standardizedFileURL.path]))
  }

  /// Where the memo of the content folder `content`'s partners (AccreditSite's `PartnerMemo`) is kept.
  public func memoFile(for content: URL) -> URL {
    folder.appendingPathComponent(BuildCache.name("memo", [content.standardizedFileURL.path]))
  }

  /// Removes the record `name`, if any.
  public func remove(_ name: String) {
    try? FileManager.default.removeItem(at: folder.appendingPathComponent(name))
  }

  /// A record name for `parts` (folder paths, options): the same parts give the same name.
  public static func name(_ kind: String, _ parts: [String]) -> String {
    "\(kind)-\(String(StableHash.of(parts.joined(separator: "\u{0}")), radix: 16))"
  }

  private static func checksum(_ body: ArraySlice<UInt8>) -> String {
    "checksum \(String(StableHash.of(body), radix: 16))"
  }
}

/// The files of a folder by path and stamp (`FileStamp`: size, modification time and inode, as git's
/// index keeps them).
public struct FolderStamp: Sendable {
  /// Each file's stamp, in the order of `listing.files` (sorted by path).
  let stamps: [FileStamp]
  /// The walk the stamp was taken from, for reading the same files without walking the folder again.
  public let listing: FolderJail.Listing
  /// When the files were stamped (nanoseconds since 1970, taken before the first `stat`): a load that
  /// takes these stamps rather than its own records them as taken then (`ContentFolder.load`).
  let stampedAt: Int64

  /// Stamps the files `FolderJail` lists below `root` (with `only`, just those top-level entries); nil
  /// when the folder cannot be listed or has an entry it would not read, a hard link in CI included (the
  /// full run reports it).
  public static func of(_ root: URL, only: Set<String>? = nil, what: String) -> FolderStamp? {
    let stampedAt = Int64(Date().timeIntervalSince1970 * 1_000_000_000)
    guard let listing = try? FolderJail.list(root, only: only, what: what), listing.problems.isEmpty else {
      return nil
    }
    // Stat on every core, a run of files at a time, each file by its name in its open folder (opened once
    // for the files of the run it holds): ten thousand files are most of the time of a build with nothing
    // to do, and most of a `stat` was finding the path. Each run finds its own folders: found before, on
    // one core, they were a third of the stamp's time at 10,000 partners.
    let files = listing.files
    let runs = stride(from: 0, to: files.count, by: 256).map { $0..<min($0 + 256, files.count) }
    let stamped = runs.parallelMap { run -> [FileStamp]? in
      var folder = (path: Substring.UTF8View?.none, descriptor: Int32(-1))
      defer { if folder.descriptor >= 0 { close(folder.descriptor) } }
      var stamps: [FileStamp] = []
      stamps.reserveCapacity(run.count)
      for index in run {
        let location = files[index].location
        let slash = location.utf8.lastIndex(of: UInt8(ascii: "/"))
        let path = Substring(location)[..<(slash ?? location.startIndex)].utf8
        if folder.path.map({ !$0.elementsEqual(path) }) ?? true {
          if folder.descriptor >= 0 { close(folder.descriptor) }
          folder = (path, open(path.isEmpty ? "/" : String(Substring(path)), O_RDONLY | O_DIRECTORY | O_CLOEXEC))
          guard folder.descriptor >= 0 else { return nil }
        }
        // The name, read in place from the location's own bytes.
        let offset = slash.map { location.utf8.distance(from: location.utf8.startIndex, to: $0) + 1 } ?? 0
        var status = stat()
        let found = location.withCString { fstatat(folder.descriptor, $0 + offset, &status, 0) == 0 }
        // A file `FolderJail.read` would refuse: the full run reports it.
        guard found, let stamp = FileStamp.ofReadable(status, at: location) else { return nil }
        stamps.append(stamp)
      }
      return stamps
    }
    var stamps: [FileStamp] = []
    stamps.reserveCapacity(files.count)
    for part in stamped {
      guard let part else { return nil }
      stamps += part
    }
    return FolderStamp(stamps: stamps, listing: listing, stampedAt: stampedAt)
  }

  /// This stamp with the files at `paths` (relative to the root) stamped again now, as before a render
  /// reads them again: the stamp of the folder after an edit of those files alone. Nil when one of them is
  /// not in the listing (a file added) or cannot be stamped (removed, unreadable).
  public func restamping(_ paths: some Sequence<String>) -> FolderStamp? {
    var stamps = self.stamps
    for path in paths {
      guard let index = listing.files.firstIndex(where: { $0.path == path }),
        let stamp = FileStamp.ofReadable(at: listing.files[index].location)
      else { return nil }
      stamps[index] = stamp
    }
    // The first stamping's time for all of them: a file stamped again later then counts as racy, which
    // only ever makes a load read it again.
    return FolderStamp(stamps: stamps, listing: listing, stampedAt: stampedAt)
  }

  /// Whether the files at `paths` (relative to the root) stamp now as this stamp has them.
  public func isCurrent(_ paths: some Sequence<String>) -> Bool {
    paths.allSatisfy { path in
      guard let index = listing.files.firstIndex(where: { $0.path == path }) else { return false }
      return FileStamp.ofReadable(at: listing.files[index].location) == stamps[index]
    }
  }

  /// One line a file, `size mtime inode path`, each after `prefix` and ending in a line break, sorted by
  /// path, appended to `bytes` (formatting a string a line was most of writing a record of 10,000 files).
  /// With `now`, the lines to record: a file changed so recently that a change within the same clock tick
  /// could go unseen (git's "racily clean" entries) has its size smudged to `-`, as git does: its line
  /// never matches, so the next run looks at the file again.
  public func appendLines(prefix: String, smudgingAt now: Date?, to bytes: inout [UInt8]) {
    let limit = now.map(RacyClock.limit(at:)) ?? .max
    let prefix = Array(prefix.utf8)
    bytes.reserveCapacity(bytes.count + stamps.count * (prefix.count + 80))
    for (file, stamp) in zip(listing.files, stamps) {
      bytes += prefix
      if stamp.mtime > limit {
        bytes.append(UInt8(ascii: "-"))
      } else {
        Self.appendDecimal(stamp.size, to: &bytes)
      }
      bytes.append(UInt8(ascii: " "))
      Self.appendDecimal(stamp.mtime, to: &bytes)
      bytes.append(UInt8(ascii: " "))
      Self.appendDecimal(stamp.inode, to: &bytes)
      bytes.append(UInt8(ascii: " "))
      bytes += file.path.utf8
      bytes.append(UInt8(ascii: "\n"))
    }
  }

  /// Appends `value` in decimal, as `String(value)` writes it: its digits made in a buffer on the stack and
  /// appended at once.
  private static func appendDecimal(_ value: Int64, to bytes: inout [UInt8]) {
    appendDecimal(value.magnitude, negative: value < 0, to: &bytes)
  }

  private static func appendDecimal(_ value: UInt64, negative: Bool = false, to bytes: inout [UInt8]) {
    var buffer: (UInt64, UInt64, UInt64) = (0, 0, 0)  // the 20 digits of a UInt64 and a sign
    withUnsafeMutableBytes(of: &buffer) { digits in
      var rest = value
      var start = digits.count
      repeat {
        start -= 1
        digits[start] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest % 10)
        rest /= 10
      } while rest > 0
      if negative {
        start -= 1
        digits[start] = UInt8(ascii: "-")
      }
      bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: digits[start...]))
    }
  }

  /// A hash of every file's path and stamp, smudged as `appendLines` smudges when `now` is given: what a
  /// run with nothing changed compares, without a line per file.
  public func digest(smudgingAt now: Date? = nil) -> String {
    let limit = now.map(RacyClock.limit(at:)) ?? .max
    var parts: [UInt64] = []
    parts.reserveCapacity(stamps.count * 4)
    // Four appends, not an array literal per file: this runs on every build with nothing to do.
    for (file, stamp) in zip(listing.files, stamps) {
      parts.append(stamp.mtime > limit ? .max : UInt64(bitPattern: stamp.size))
      parts.append(UInt64(bitPattern: stamp.mtime))
      parts.append(stamp.inode)
      parts.append(StableHash.of(file.path))
    }
    return "\(String(StableHash.combine(parts), radix: 16)) \(stamps.count)"
  }
}

/// The racy-clock rule, in one place: a file modified within `window` of when it was stamped may change
/// again within the same clock tick unseen (git's "racily clean" entries), so no cache vouches for it.
public enum RacyClock {
  /// Two seconds, in nanoseconds: coarser than any file system's time stamps.
  public static let window: Int64 = 2_000_000_000

  /// The latest modification time (nanoseconds since 1970) that is not racy for a stamp taken at `now`.
  public static func limit(at now: Date) -> Int64 {
    Int64(now.timeIntervalSince1970 * 1_000_000_000) - window
  }

  /// Whether a file modified at `mtime` was racy when stamped at `stampedAt` (both in nanoseconds).
  public static func isRacy(mtime: Int64, stampedAt: Int64) -> Bool {
    stampedAt - mtime < window
  }
}
