import AccreditContent
public import Foundation

/// Writes a site's jobs to the output folder, incrementally when it can.
///
/// A manifest in the output folder (`.accredit-manifest`) records, for every file, the key of what it was
/// made from and a hash of its bytes. The next build renders only the jobs whose key changed, writes only
/// files whose bytes changed (the others keep their modification times), and removes the files of
/// deleted partners and cases. Without a manifest, or with `--clean`, the whole folder is built anew
/// beside the old one and swapped in.
public enum SiteWriter {
  /// The manifest's file name inside the output folder.
  public static let manifestName = ".accredit-manifest"

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

  /// Writes `jobs` into `output`; `clean` forces a full build.
  public static func write(_ jobs: [OutputJob], to output: URL, clean: Bool) throws -> Report {
    let output = output.standardizedFileURL
    if !clean, let manifest = readManifest(in: output) {
      return try update(output, jobs: jobs, manifest: manifest)
    }
    var report = Report(isFull: true)
    try OutputFolder.replace(output) { staging in
      let results = try renderAndWrite(jobs, into: staging, manifest: [:], isFresh: true)
      report.written = jobs.count
      try writeManifest(results, in: staging)
    }
    return report
  }

  private static func update(_ output: URL, jobs: [OutputJob], manifest: [String: Entry]) throws -> Report {
    var report = Report()
    let results = try renderAndWrite(jobs, into: output, manifest: manifest)
    for result in results { if result.wasWritten { report.written += 1 } else { report.unchanged += 1 } }
    let produced = Set(jobs.map(\.path))
    let manager = FileManager.default
    for path in manifest.keys.sorted() where !produced.contains(path) {
      let url = output.appendingPathComponent(path)
      try? manager.removeItem(at: url)
      report.removed += 1
      removeEmptyFolders(above: url, upTo: output)
    }
    try writeManifest(results, in: output)
    return report
  }

  private struct Result: Sendable {
    let path: String
    let entry: Entry
    let wasWritten: Bool
  }

  // Renders what changed and writes what differs, on every core. Into a fresh folder (a full build's
  // staging folder, which no reader sees before it is swapped in) each file is written in place; into the
  // live folder, to a temporary name and renamed, so a reader never sees half a file.
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
          try writeAtomically(bytes, to: path)
        }
      } catch {
        return .failure(error)
      }
      return .success(Result(path: job.path, entry: Entry(key: job.key, hash: hash), wasWritten: true))
    }
    return try outcomes.map { try $0.get() }
  }

  private struct WriteError: Error, CustomStringConvertible {
    var description: String
  }

  /// Makes the folders above `path` that do not exist yet. Called on every core at once: a folder another
  /// core made first is fine.
  private static func makeFolders(above path: String) throws {
    guard let slash = path.lastIndex(of: "/") else { return }
    let folder = String(path[..<slash])
    if mkdir(folder, 0o755) == 0 || errno == EEXIST { return }
    guard errno == ENOENT else {
      throw WriteError(description: "cannot create folder \(folder): \(String(cString: strerror(errno)))")
    }
    try makeFolders(above: folder)
    if mkdir(folder, 0o755) != 0 && errno != EEXIST {
      throw WriteError(description: "cannot create folder \(folder): \(String(cString: strerror(errno)))")
    }
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
      throw WriteError(description: "cannot write \(path): \(String(cString: strerror(errno)))")
    }
    defer { close(descriptor) }
    try bytes.withUnsafeBytes { buffer in
      guard let start = buffer.baseAddress else { return }
      var offset = 0
      while offset < buffer.count {
        let written = Foundation.write(descriptor, start + offset, buffer.count - offset)
        if written < 0 {
          if errno == EINTR { continue }
          throw WriteError(description: "cannot write \(path): \(String(cString: strerror(errno)))")
        }
        offset += written
      }
    }
  }

  private static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
    let temporary = path + ".accredit-tmp"
    try write(bytes, to: temporary)
    guard rename(temporary, path) == 0 else {
      let reason = String(cString: strerror(errno))
      unlink(temporary)
      throw WriteError(description: "cannot rename \(temporary) to \(path): \(reason)")
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
  private static func writeManifest(_ results: [Result], in folder: URL) throws {
    var bytes = Array("accredit-manifest 1\n".utf8)
    bytes.reserveCapacity(results.count * 80)
    for result in results.sorted(by: { $0.path < $1.path }) {
      appendHex(result.entry.key, to: &bytes)
      bytes.append(UInt8(ascii: " "))
      appendHex(result.entry.hash, to: &bytes)
      bytes.append(UInt8(ascii: " "))
      bytes += result.path.utf8
      bytes.append(UInt8(ascii: "\n"))
    }
    try writeAtomically(bytes, to: folder.appendingPathComponent(manifestName).path)
  }

  private static func readManifest(in folder: URL) -> [String: Entry]? {
    guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(manifestName).path),
      let text = String(data: data, encoding: .utf8), text.hasPrefix("accredit-manifest 1\n")
    else { return nil }
    var entries: [String: Entry] = [:]
    for line in text.split(separator: "\n").dropFirst() {
      let parts = line.split(separator: " ", maxSplits: 2)
      guard parts.count == 3, let key = UInt64(parts[0], radix: 16), let hash = UInt64(parts[1], radix: 16) else {
        return nil
      }
      entries[String(parts[2])] = Entry(key: key, hash: hash)
    }
    return entries
  }

  /// Appends `value` as 16 lowercase hexadecimal digits.
  private static func appendHex(_ value: UInt64, to bytes: inout [UInt8]) {
    for shift in stride(from: 60, through: 0, by: -4) {
      let digit = UInt8((value >> UInt64(shift)) & 0xF)
      bytes.append(digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "a") + digit - 10)
    }
  }
}
