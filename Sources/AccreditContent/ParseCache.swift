import AccreditEngine
import AccreditSupport
import Foundation
import Synchronization

/// Parsed and checked content files kept between loads: in memory for the preview server, and on disk
/// (`BuildCache.parseCacheName`) for the CLI, so that a build after a record edit, or CI on a fresh
/// checkout with the cache restored, parses only the files whose bytes changed.
///
/// An entry is keyed by a hash of the file's bytes and of the standards it was checked against. It also
/// keeps the file's size, modification time and inode when it was read, as git's index does: a file whose
/// stamp is unchanged, and was already old when it was stamped, is not even read again. A file changed
/// within two seconds of its stamp ("racily clean") is always read.
public final class ParseCache: Sendable {
  /// One parsed file. A class: the load hands every reused entry from the cache's table to the content
  /// through three arrays, and copying a parsed case (a dozen strings and arrays) at each step was a
  /// quarter of a record edit's load at 10,000 partners.
  final class Entry: Sendable {
    /// The hash of the bytes, the standards' bytes and the path (`key(hash:standards:path:)`).
    let key: UInt64
    /// The hash of the file's bytes.
    let hash: UInt64
    let item: LoadedFile
    let diagnostics: [Diagnostic]
    /// A case file's front-matter hash (`ContentFolder.caseHead`).
    let head: UInt64?
    /// A case's data hash (`EscalationCase.dataHash`), or a record's `Partner.evaluatedHash`, made when it
    /// was parsed: a build's output keys take it from here rather than coding every case and record again
    /// (`Content.caseDataHashes`, `Content.recordDataHashes`).
    let dataHash: UInt64?
    /// The file's stamp when its bytes were read, and when that was (nanoseconds since 1970).
    let stamp: FileStamp?
    let stampedAt: Int64
    /// A case file's notes as HTML (`Content.notesHTML`).
    let notesHTML: NoteText?

    init(
      key: UInt64, hash: UInt64, item: LoadedFile, diagnostics: [Diagnostic], head: UInt64?,
      dataHash: UInt64? = nil, stamp: FileStamp? = nil, stampedAt: Int64 = 0, notesHTML: NoteText? = nil
    ) {
      self.key = key
      self.hash = hash
      self.item = item
      self.diagnostics = diagnostics
      self.head = head
      self.dataHash = dataHash
      self.stamp = stamp
      self.stampedAt = stampedAt
      self.notesHTML = notesHTML
    }

    /// This entry with the stamp `stamp`, taken at `time`.
    func stamped(_ stamp: FileStamp, at time: Int64) -> Entry {
      Entry(
        key: key, hash: hash, item: item, diagnostics: diagnostics, head: head, dataHash: dataHash, stamp: stamp,
        stampedAt: time, notesHTML: notesHTML)
    }
  }

  private let entries = Mutex<[String: Entry]>([:])
  private let texts = Mutex<[String: (hash: UInt64, source: SourceText)]>([:])
  /// How many entries were added, replaced, removed or restamped since the cache was loaded.
  private let changes = Atomic<Int>(0)

  /// An empty cache.
  public init() {}

  static func key(hash: UInt64, standards: UInt64, path: String) -> UInt64 {
    StableHash.combine([hash, standards, StableHash.of(path)])
  }

  func lookup(_ path: String, key: UInt64) -> Entry? {
    entries.withLock { $0[path].flatMap { $0.key == key ? $0 : nil } }
  }

  /// The partner record the cache holds for `path`, whatever bytes it was parsed from: for a record edited
  /// since, the last build's, which tells how far the edit reaches (`Partner.reach(from:)` in AccreditSite).
  public func partner(at path: String) -> Partner? {
    guard case .partner(let partner?) = entries.withLock({ $0[path]?.item }) else { return nil }
    return partner
  }

  func store(_ path: String, _ entry: Entry) {
    entries.withLock { $0[path] = entry }
    changes.add(1, ordering: .relaxed)
  }

  /// Every entry, by path, as the cache holds them now: looked up by every core without the lock (taken
  /// for each of thousands of files, it was a third of finding the files that need not be read).
  var snapshot: [String: Entry] { entries.withLock { $0 } }

  /// `entry`, the entry of the file at `path` (from `snapshot`), when the file need not be read: its stamp
  /// is the one recorded, the file was at least two seconds old then, and the entry was checked against
  /// these standards.
  static func reusable(_ entry: Entry?, path: String, stamp: FileStamp, standards: UInt64) -> Entry? {
    guard let entry, entry.stamp == stamp, !RacyClock.isRacy(mtime: stamp.mtime, stampedAt: entry.stampedAt),
      entry.key == key(hash: entry.hash, standards: standards, path: path)
    else { return nil }
    return entry
  }

  /// Records the stamps of files just read, taken at `time`, on the entries made from the same bytes.
  func record(_ stamps: [String: FileStamp], hashes: [String: UInt64], at time: Int64) {
    entries.withLock { entries in
      for (path, stamp) in stamps {
        guard let entry = entries[path], entry.hash == hashes[path], entry.stamp != stamp || entry.stampedAt != time
        else { continue }
        entries[path] = entry.stamped(stamp, at: time)
        changes.add(1, ordering: .relaxed)
      }
    }
  }

  /// The decoded text of the file at `path`, when its bytes hash to `hash`.
  func text(_ path: String, hash: UInt64) -> SourceText? {
    texts.withLock { $0[path].flatMap { $0.hash == hash ? $0.source : nil } }
  }

  func store(_ source: SourceText, hash: UInt64) {
    texts.withLock { $0[source.path] = (hash, source) }
  }

  /// Forgets the files not in `paths` (`count` of them, each file of a load once, every one of which the
  /// cache now holds), so that deleted files (a loop's endless paths among them) do not hold memory for as
  /// long as the server runs. As many entries as paths are those paths: nothing is looked at, nor are the
  /// paths listed (a table of every path, made for each build, was 40 ms of a record edit at 10,000
  /// partners).
  func keep(count: Int, only loaded: () -> [String]) {
    if entries.withLock({ $0.count }) == count && texts.withLock({ $0.count }) <= count { return }
    let paths = Set(loaded())
    entries.withLock { entries in
      for path in entries.keys where !paths.contains(path) {
        entries[path] = nil
        changes.add(1, ordering: .relaxed)
      }
    }
    texts.withLock { texts in
      for path in texts.keys where !paths.contains(path) { texts[path] = nil }
    }
  }

  // MARK: On disk

  private static let header = Array("accredit-parse 4\n".utf8)

  /// Tells a load on another thread (`load(from:identity:stop:)`) that its cache is no longer wanted.
  public final class Stop: Sendable {
    private let requested = Atomic<Bool>(false)

    /// Nothing asked yet.
    public init() {}

    /// Asks the load to end as soon as it can, with an empty cache.
    public func request() { requested.store(true, ordering: .relaxed) }

    var isRequested: Bool { requested.load(ordering: .relaxed) }
  }

  /// The cache saved at `url` by the same `identity` (the tool's build), or an empty one: with a warning
  /// when the file is there but cannot be trusted (truncated, damaged, written by another version). An
  /// empty one too, without a warning, once `stop` is requested.
  public static func load(from url: URL, identity: String, stop: Stop? = nil) -> (
    cache: ParseCache, warning: String?
  ) {
    let cache = ParseCache()
    // Mapped rather than read: reading tens of megabytes into new memory (copied, every page zeroed and
    // faulted in, then freed) was a third of loading the cache, on the thread the build waits for.
    var reader: CacheReader
    var envelope: Result<Range<Int>, BinaryEnvelope.Damage>
    if let file = MappedFile(path: url.path) {
      envelope = BinaryEnvelope.body(of: file.bytes, header: header)
      reader = CacheReader(file)
    } else {
      guard let bytes = readWhole(url.path) else { return (cache, nil) }
      envelope = BinaryEnvelope.body(of: bytes, header: header)
      reader = CacheReader(bytes)
    }
    func damaged(_ why: String) -> (ParseCache, String?) {
      (cache, "ignoring the parse cache \(url.path) (\(why)); rebuilding it")
    }
    switch envelope {
    case .success(let body): reader = reader.limited(to: body)
    case .failure(let damage): return damaged(damage.why)
    }
    do {
      // Another build of accredit may parse differently: its entries are not used, without a warning.
      guard try reader.string() == identity else { return (cache, nil) }
      let count = try reader.int()
      var entries: [String: Entry] = [:]
      entries.reserveCapacity(max(0, min(count, 1_000_000)))
      for index in 0..<count {
        if index % 1024 == 0, stop?.isRequested == true { return (ParseCache(), nil) }
        let path = try reader.string()
        let key = try reader.word()
        let hash = try reader.word()
        let head = try reader.optional { try $0.word() }
        let dataHash = try reader.optional { try $0.word() }
        let stamp = try reader.optional { reader in
          FileStamp(size: Int64(try reader.int()), mtime: Int64(try reader.int()), inode: try reader.word())
        }
        let stampedAt = Int64(try reader.int())
        let diagnostics = try reader.list { try $0.diagnostic(in: path) }
        let item = try reader.loaded(in: path)
        let notesHTML = try reader.optional { try $0.noteText() }
        entries[path] = Entry(
          key: key, hash: hash, item: item, diagnostics: diagnostics, head: head, dataHash: dataHash, stamp: stamp,
          stampedAt: stampedAt, notesHTML: notesHTML)
      }
      guard reader.isAtEnd else { throw CacheReader.Damaged() }
      cache.entries.withLock { $0 = entries }
      cache.loadedSize.store(reader.count, ordering: .relaxed)
    } catch {
      return damaged("it is damaged")
    }
    return (cache, nil)
  }

  /// The size of the file the cache was loaded from, to size the next one's buffer.
  private let loadedSize = Atomic<Int>(0)

  /// Saves the cache at `url` (beside it, then renamed) when loads changed more than a fiftieth of it: a
  /// few files parsed again cost less than writing the whole cache (tens of megabytes at 1,000 partners),
  /// and their old entries simply miss. A failure only costs the next run the parsing the cache would
  /// have saved, so it is ignored.
  public func save(to url: URL, identity: String) {
    let entries = self.entries.withLock { $0 }
    let changed = changes.exchange(0, ordering: .relaxed)
    let loadedSize = self.loadedSize.load(ordering: .relaxed)
    guard changed > 0, loadedSize == 0 || changed * 50 > entries.count else { return }
    var writer = CacheWriter(capacity: max(loadedSize, 1 << 16) + loadedSize / 8)
    writer.raw(Self.header)
    writer.string(identity)
    writer.int(entries.count)
    for (path, entry) in entries.sorted(by: { $0.key < $1.key }) {
      writer.string(path)
      writer.word(entry.key)
      writer.word(entry.hash)
      writer.optional(entry.head) { $0.word($1) }
      writer.optional(entry.dataHash) { $0.word($1) }
      writer.optional(entry.stamp) { writer, stamp in
        writer.int(Int(stamp.size))
        writer.int(Int(stamp.mtime))
        writer.word(stamp.inode)
      }
      writer.int(Int(entry.stampedAt))
      writer.list(entry.diagnostics) { $0.diagnostic($1, in: path) }
      writer.loaded(entry.item, in: path)
      writer.optional(entry.notesHTML) { $0.noteText($1) }
    }
    BinaryEnvelope.seal(&writer)
    Self.replace(url, with: writer.bytes)
  }

  /// Writes `bytes` as the file at `url`: beside its name first, then renamed over it, so that a reader
  /// (another build) sees the old file or the new one, never part of one; the folder is made when missing.
  /// False, with nothing left beside the name, when it cannot be written. The one way every file of the
  /// build cache is written (the parse cache, the memo, the records).
  @discardableResult
  package static func replace(_ url: URL, with bytes: [UInt8]) -> Bool {
    let folder = url.deletingLastPathComponent()
    let temporary = folder.path + "/.\(url.lastPathComponent).\(getpid()).tmp"
    try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    guard writeWhole(bytes, to: temporary), rename(temporary, url.path) == 0 else {
      unlink(temporary)
      return false
    }
    return true
  }

  /// The bytes of the file at `path`, read into one buffer; nil when it cannot be read.
  package static func readWhole(_ path: String) -> [UInt8]? {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return nil }
    defer { close(descriptor) }
    var status = stat()
    guard fstat(descriptor, &status) == 0, status.st_size >= 0 else { return nil }
    let size = Int(status.st_size)
    var failed = false
    let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
      guard let base = buffer.baseAddress else { return }
      while count < size {
        let read = Foundation.read(descriptor, base + count, size - count)
        if read < 0 && errno == EINTR { continue }
        if read <= 0 {
          failed = read < 0
          break
        }
        count += read
      }
    }
    return failed ? nil : bytes
  }

  private static func writeWhole(_ bytes: [UInt8], to path: String) -> Bool {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { return false }
    defer { close(descriptor) }
    return bytes.withUnsafeBytes { buffer in
      guard let base = buffer.baseAddress else { return true }
      var offset = 0
      while offset < buffer.count {
        let written = Foundation.write(descriptor, base + offset, buffer.count - offset)
        if written < 0 && errno == EINTR { continue }
        guard written > 0 else { return false }
        offset += written
      }
      return true
    }
  }
}
