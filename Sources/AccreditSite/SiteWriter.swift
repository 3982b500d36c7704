import AccreditContent
public import Foundation
import AccreditSupport

/// Writes a site's jobs to the output folder, incrementally when it can, and so that a build killed at
/// any moment never leaves a torn site.
///
/// A manifest in the output folder (`.accredit-manifest`) records, for every file, the key of what it was
/// made from and a hash of its bytes. The next build renders only the jobs whose key changed, writes only
/// files whose bytes changed (the others keep their modification times), and removes the files of
/// deleted partners and cases. Without a manifest, or with `--clean`, the whole folder is built anew
/// beside the old one and swapped in (`OutputFolder.replace`).
///
/// An incremental build writes in two steps, recorded in a journal (`.accredit-journal`):
/// 1. every changed file is written in full beside its final name (`<name>.accredit-tmp`), with the journal
///    saying `writing`; a failure or a kill here leaves the site as it was;
/// 2. the journal lists every rename and removal and says `committing`; they are done, the new manifest
///    last, and the journal is removed.
/// The next build (`recover`) removes the temporary files of step 1, or finishes step 2.
/// The steps protect against a killed process; they do not `fsync`, so a power cut can still lose writes.
public enum SiteWriter {
  /// The manifest's file name inside the output folder.
  public static let manifestName = ".accredit-manifest"
  /// The journal's file name inside the output folder, present only while a build writes.
  static let journalName = ".accredit-journal"
  /// The suffix of a file written beside its final name.
  static let temporarySuffix = ".accredit-tmp"

  /// What a write did.
  public struct Report: Sendable, Equatable {
    /// Files written (new or changed).
    public var written = 0
    /// Files left as they were.
    public var unchanged = 0
    /// Files removed because nothing makes them any more.
    public var removed = 0
    /// Whether the folder was built anew rather than updated.
    public var isFull = false
  }

  private struct Entry: Equatable {
    let key: UInt64
    let hash: UInt64
  }

  /// Writes `jobs` into `output`; `clean` forces a full build. First undoes what an interrupted build left.
  /// The caller holds the output folder's lock (`OutputFolder.lock`).
  public static func write(_ jobs: [OutputJob], to output: URL, clean: Bool) throws -> Report {
    let output = output.standardizedFileURL
    OutputFolder.recover(output)
    try recover(output)
    if !clean, let manifest = readManifest(in: output) {
      return try update(output, jobs: jobs, manifest: manifest)
    }
    var report = Report(isFull: true)
    try OutputFolder.replace(output) { staging in
      let results = try renderAndWrite(jobs, into: staging, manifest: [:], isFresh: true)
      report.written = jobs.count
      try writeAtomically(manifestBytes(results), to: staging.appendingPathComponent(manifestName).path)
    }
    return report
  }

  private static func update(_ output: URL, jobs: [OutputJob], manifest: [String: Entry]) throws -> Report {
    let produced = Set(jobs.map(\.path))
    let removals = manifest.keys.sorted().filter { !produced.contains($0) }
    let results = try writeInPlace(jobs, into: output, manifest: manifest, removals: removals) { manifestBytes($0) }
    var report = Report()
    for result in results { if result.wasWritten { report.written += 1 } else { report.unchanged += 1 } }
    report.removed = removals.count
    return report
  }

  /// Renders and writes `jobs` alone into `output`, leaving every other file and its manifest line as they
  /// are: for the pages of case notes edited alone (`BuildRecord`), which no other page shows. Nil, with
  /// nothing done, when the folder has no manifest or lacks one of the files. The caller holds the lock.
  static func patch(_ jobs: [OutputJob], in output: URL) throws -> Report? {
    let output = output.standardizedFileURL
    OutputFolder.recover(output)
    try recover(output)
    guard var lines = readManifestLines(in: output) else { return nil }
    var index: [String: Int] = [:]
    for job in jobs { index[job.path] = -1 }
    for (position, line) in lines.enumerated() where index[line.path] != nil { index[line.path] = position }
    guard !index.values.contains(-1) else { return nil }
    let manifest = Dictionary(jobs.map { ($0.path, lines[index[$0.path] ?? 0].entry) }, uniquingKeysWith: { a, _ in a })
    var report = Report()
    report.unchanged = lines.count
    _ = try writeInPlace(jobs, into: output, manifest: manifest) { results in
      for result in results {
        lines[index[result.path] ?? 0] = Result(path: result.path, entry: result.entry, wasWritten: false)
        if result.wasWritten {
          report.written += 1
          report.unchanged -= 1
        }
      }
      return manifestBytes(lines, sorted: true)
    }
    return report
  }

  /// An update of the live folder in the two steps above: renders and writes what changed beside its final
  /// name, then commits the renames, the removal of `removals` and the manifest `newManifest` makes.
  private static func writeInPlace(
    _ jobs: [OutputJob], into output: URL, manifest: [String: Entry], removals: [String] = [],
    newManifest: ([Result]) -> [UInt8]
  ) throws -> [Result] {
    let base = output.path
    try writeAtomically(Array("writing\n".utf8), to: base + "/" + journalName)
    let results: [Result]
    do {
      results = try renderAndWrite(jobs, into: output, manifest: manifest)
    } catch {
      try? recover(output)
      throw error
    }
    // Step 2: the journal lists the commit, which is then done; `finish` does it again after a kill.
    try writeAtomically(newManifest(results), to: base + "/" + manifestName + temporarySuffix)
    var journal = "committing\n"
    for result in results where result.wasWritten { journal += "R \(result.path)\n" }
    for path in removals { journal += "D \(path)\n" }
    journal += "R \(manifestName)\n"
    try writeAtomically(Array(journal.utf8), to: base + "/" + journalName)
    try finish(Substring(journal), in: output)
    return results
  }

  /// Finishes what an interrupted build left in `output`: a commit is done to its end; temporary files
  /// of a build killed before its commit are removed. Without a journal there is nothing to do.
  static func recover(_ output: URL) throws {
    let journalPath = output.path + "/" + journalName
    guard let data = FileManager.default.contents(atPath: journalPath) else { return }
    let text = String(decoding: data, as: UTF8.self)
    if text.hasPrefix("committing\n") {
      try finish(Substring(text), in: output)
    } else {
      removeTemporaryFiles(below: output.path)
      guard unlink(journalPath) == 0 else { throw WriteFailure("remove", journalPath) }
    }
  }

  /// Does the commit a journal lists: each `R path` renames `path.accredit-tmp` to `path` (when the
  /// temporary file is still there: a rename already done is skipped), each `D path` removes `path`.
  /// Then the journal goes.
  private static func finish(_ journal: Substring, in output: URL) throws {
    let base = output.path
    for line in journal.split(separator: "\n").dropFirst() {
      let path = base + "/" + line.dropFirst(2)
      if line.hasPrefix("R ") {
        let temporary = path + temporarySuffix
        if rename(temporary, path) != 0 && errno != ENOENT {
          throw WriteFailure("rename", temporary, reason: String(cString: strerror(errno)) + " (to \(path))")
        }
      } else if line.hasPrefix("D ") {
        if unlink(path) != 0 && errno != ENOENT { throw WriteFailure("remove", path) }
        removeEmptyFolders(above: URL(fileURLWithPath: path), upTo: output)
      }
      CrashPoint.reach(.commit)
    }
    let journalPath = base + "/" + journalName
    guard unlink(journalPath) == 0 || errno == ENOENT else { throw WriteFailure("remove", journalPath) }
  }

  /// Removes every `*.accredit-tmp` file below `folder`, and the folders left empty by that; returns
  /// whether it removed anything.
  @discardableResult
  private static func removeTemporaryFiles(below folder: String) -> Bool {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return false }
    var removed = false
    for name in names {
      let path = folder + "/" + name
      var status = stat()
      guard lstat(path, &status) == 0 else { continue }
      if status.st_mode & S_IFMT == S_IFDIR {
        if removeTemporaryFiles(below: path) {
          removed = true
          rmdir(path)  // fails, as it should, unless the folder is empty
        }
      } else if name.hasSuffix(temporarySuffix) {
        unlink(path)
        removed = true
      }
    }
    return removed
  }

  private struct Result: Sendable {
    let path: String
    let entry: Entry
    let wasWritten: Bool
  }

  // Renders what changed and writes what differs, on every core. Into a fresh folder (a full build's
  // staging folder, which no reader sees before it is swapped in) each file is written in place; into the
  // live folder, beside its final name, for the commit step to rename.
  private static func renderAndWrite(
    _ jobs: [OutputJob], into folder: URL, manifest: [String: Entry], isFresh: Bool = false
  ) throws -> [Result] {
    let base = folder.path
    let outcomes = jobs.parallelMap { job -> Swift.Result<Result, any Error> in
      let path = base + "/" + job.path
      let old = manifest[job.path]
      if let old, old.key == job.key, access(path, F_OK) == 0 {
        return .success(Result(path: job.path, entry: old, wasWritten: false))
      }
      let bytes: [UInt8]
      do {
        bytes = try job.render()
      } catch {
        return .failure(error)
      }
      let hash = StableHash.of(bytes)
      if let old, old.hash == hash, access(path, F_OK) == 0 {
        return .success(Result(path: job.path, entry: Entry(key: job.key, hash: hash), wasWritten: false))
      }
      do {
        if isFresh {
          // In a new folder every page's own folder is new: making it first spares a failed `open`.
          if job.path.hasSuffix("/index.html") { try makeFolders(above: path) }
          try write(bytes, to: path)
        } else {
          try write(bytes, to: path + temporarySuffix)
        }
        CrashPoint.reach(.write)
      } catch {
        return .failure(error)
      }
      return .success(Result(path: job.path, entry: Entry(key: job.key, hash: hash), wasWritten: true))
    }
    return try outcomes.map { try $0.get() }
  }

  /// Makes the folders above `path` that do not exist yet.
  private static func makeFolders(above path: String) throws {
    guard let slash = path.lastIndex(of: "/") else { return }
    try OutputFolder.makeFolder(String(path[..<slash]))
  }

  /// Writes `bytes` to `path` with one `write` call (more only if the system writes less at a time).
  private static func write(_ bytes: [UInt8], to path: String) throws {
    var descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    if descriptor < 0 && errno == ENOENT {
      // Folders are made as the files that go in them are written, rather than all first on one core.
      try makeFolders(above: path)
      descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    }
    guard descriptor >= 0 else {
      throw WriteFailure("write", path)
    }
    defer { close(descriptor) }
    try bytes.withUnsafeBytes { buffer in
      guard let start = buffer.baseAddress else { return }
      var offset = 0
      while offset < buffer.count {
        let written = Foundation.write(descriptor, start + offset, buffer.count - offset)
        if written < 0 {
          if errno == EINTR { continue }
          throw WriteFailure("write", path)
        }
        offset += written
      }
    }
  }

  private static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
    let temporary = path + temporarySuffix
    try write(bytes, to: temporary)
    guard rename(temporary, path) == 0 else {
      let failure = WriteFailure("rename", temporary, reason: String(cString: strerror(errno)) + " (to \(path))")
      unlink(temporary)
      throw failure
    }
  }

  private static func removeEmptyFolders(above file: URL, upTo root: URL) {
    var folder = file.deletingLastPathComponent().standardizedFileURL
    while folder.path.hasPrefix(root.path + "/"),
      (try? FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty) == true
    {
      try? FileManager.default.removeItem(at: folder)
      folder = folder.deletingLastPathComponent().standardizedFileURL
    }
  }

  // One line a file: key, hash, path; sorted by path, so the manifest is the same for the same site.
  private static func manifestBytes(_ results: [Result], sorted: Bool = false) -> [UInt8] {
    var bytes = Array("accredit-manifest 1\n".utf8)
    bytes.reserveCapacity(results.count * 80)
    for result in sorted ? results : results.sorted(by: { $0.path < $1.path }) {
      appendHex(result.entry.key, to: &bytes)
      bytes.append(UInt8(ascii: " "))
      appendHex(result.entry.hash, to: &bytes)
      bytes.append(UInt8(ascii: " "))
      bytes += result.path.utf8
      bytes.append(UInt8(ascii: "\n"))
    }
    return bytes
  }

  private static func readManifest(in folder: URL) -> [String: Entry]? {
    guard let lines = readManifestLines(in: folder) else { return nil }
    return Dictionary(lines.map { ($0.path, $0.entry) }, uniquingKeysWith: { _, last in last })
  }

  /// The manifest's lines in order, read as bytes: splitting its text into strings took a tenth of a
  /// one-note build at 1,000 partners.
  private static func readManifestLines(in folder: URL) -> [Result]? {
    guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(manifestName).path) else {
      return nil
    }
    return data.withUnsafeBytes { raw -> [Result]? in
      let bytes = raw.bindMemory(to: UInt8.self)
      let header = Array("accredit-manifest 1\n".utf8)
      guard bytes.starts(with: header), bytes.last == UInt8(ascii: "\n") else { return nil }
      var results: [Result] = []
      results.reserveCapacity(bytes.count / 64)
      var start = header.count
      while start < bytes.count {
        guard let end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")), end - start > 34,
          let key = parseHex(bytes[start..<(start + 16)]), bytes[start + 16] == UInt8(ascii: " "),
          let hash = parseHex(bytes[(start + 17)..<(start + 33)]), bytes[start + 33] == UInt8(ascii: " "),
          let path = String(validating: bytes[(start + 34)..<end], as: UTF8.self)
        else { return nil }
        results.append(Result(path: path, entry: Entry(key: key, hash: hash), wasWritten: false))
        start = end + 1
      }
      return results
    }
  }

  private static func parseHex(_ digits: Slice<UnsafeBufferPointer<UInt8>>) -> UInt64? {
    var value: UInt64 = 0
    for digit in digits {
      switch digit {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): value = value << 4 | UInt64(digit - UInt8(ascii: "0"))
      case UInt8(ascii: "a")...UInt8(ascii: "f"): value = value << 4 | UInt64(digit - UInt8(ascii: "a") + 10)
      default: return nil
      }
    }
    return value
  }

  /// Appends `value` as 16 lowercase hexadecimal digits.
  private static func appendHex(_ value: UInt64, to bytes: inout [UInt8]) {
    for shift in stride(from: 60, through: 0, by: -4) {
      let digit = UInt8((value >> UInt64(shift)) & 0xF)
      bytes.append(digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "a") + digit - 10)
    }
  }
}
