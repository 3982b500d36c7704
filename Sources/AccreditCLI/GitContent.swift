import AccreditContent
import Foundation

/// A content folder as a git revision holds it, written into a temporary folder for `changes --from REV`
/// from the revision's objects alone: the working tree, the index and the repository's filters are not
/// used.
///
/// Sizes come from `git ls-tree -l` before any blob is read, so a blob larger than
/// `FolderJail.maximumFileSize` is never read nor written: it is reported as an oversized file on disk
/// is. Only the entries a content folder is read for (`ContentFolder.topLevel`, hidden names skipped) are
/// read, one `git cat-file --batch` for all of them, a blob at a time. Symbolic links are written as
/// links, after every file, so that the jail judges them as it judges links on disk, and no file is
/// written through one.
enum GitContent {
  /// Why the revision's content could not be read at all.
  struct Failure: Error, CustomStringConvertible {
    var description: String
  }

  /// The most a symbolic link's target may hold (Linux's `PATH_MAX`).
  static let maximumLinkTarget = 4_096

  /// One entry of `git ls-tree -r -l -z`.
  private struct Entry {
    enum Kind { case file, link }
    var kind: Kind
    var object: String
    var size: Int
    /// The path below the content folder.
    var path: String
  }

  /// Writes the tree `tree` (`<commit>:<content folder>`) of the repository at `repository` into `folder`,
  /// which must be empty; returns each entry not written and why, by its path below the content folder.
  static func unpack(_ tree: String, repository: URL, into folder: URL) throws(Failure) -> [(
    path: String, message: String
  )] {
    let listing = try git(["ls-tree", "-r", "-l", "-z", tree], in: repository)
    var problems: [(path: String, message: String)] = []
    var entries: [Entry] = []
    for record in listing.split(separator: 0) {
      guard let entry = parse(record) else { continue }
      let parts = entry.path.split(separator: "/", omittingEmptySubsequences: false)
      guard let first = parts.first, ContentFolder.topLevel.contains(String(first)),
        !parts.contains(where: { $0.isEmpty || $0.hasPrefix(".") })
      else { continue }
      let limit = entry.kind == .file ? FolderJail.maximumFileSize : maximumLinkTarget
      guard entry.size <= limit else {
        problems.append(
          (
            entry.path,
            entry.kind == .file
              ? FolderJail.ReadFailure.tooLarge(entry.size).description
              : "symbolic link target longer than \(maximumLinkTarget) bytes"
          ))
        continue
      }
      entries.append(entry)
      guard entries.count <= FolderJail.maximumEntries else {
        throw Failure(description: "more than \(FolderJail.maximumEntries) entries")
      }
    }
    // Every folder first, while the folder holds no link that a path could go through.
    for entry in entries {
      let parent = folder.appendingPathComponent(entry.path).deletingLastPathComponent()
      try? FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
    }
    var links: [(path: String, target: [UInt8])] = []
    try readBlobs(entries, repository: repository, scratch: folder.appendingPathExtension("objects")) {
      entry, blob throws(Failure) in
      switch entry.kind {
      case .link:
        links.append((entry.path, try blob.bytes()))
      case .file:
        if let problem = try blob.write(to: folder.appendingPathComponent(entry.path).path) {
          problems.append((entry.path, problem))
        }
      }
    }
    for (path, target) in links {
      let made = (target + [0]).withUnsafeBufferPointer { buffer in
        buffer.baseAddress.map { pointer in
          pointer.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
            symlink($0, folder.appendingPathComponent(path).path)
          }
        } ?? -1
      }
      if made != 0 { problems.append((path, "cannot write this link from git: \(String(cString: strerror(errno)))")) }
    }
    return problems
  }

  /// `<mode> <type> <object> <size>\t<path>`, for a file or a link; nil for anything else (a submodule).
  private static func parse(_ record: ArraySlice<UInt8>) -> Entry? {
    guard let tab = record.firstIndex(of: UInt8(ascii: "\t")) else { return nil }
    let fields = record[..<tab].split(separator: UInt8(ascii: " ")).map { String(decoding: $0, as: UTF8.self) }
    guard fields.count == 4, fields[1] == "blob", let size = Int(fields[3]) else { return nil }
    let kind: Entry.Kind
    switch fields[0] {
    case "100644", "100755": kind = .file
    case "120000": kind = .link
    default: return nil
    }
    return Entry(
      kind: kind, object: fields[2], size: size,
      path: String(decoding: record[record.index(after: tab)...], as: UTF8.self))
  }

  /// Runs git in `repository` and returns its standard output, or fails with what it said.
  private static func git(_ arguments: [String], in repository: URL) throws(Failure) -> [UInt8] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["git", "-C", repository.path] + arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    do {
      try process.run()
    } catch {
      throw Failure(description: "cannot run git: \(error.localizedDescription)")
    }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw Failure(description: "git \(arguments[0]) failed") }
    return [UInt8](data)
  }

  /// Reads the blobs of `entries` with one `git cat-file --batch`, handing each to `body` as it comes,
  /// so that no more than one blob is held at a time. The object names go to git through the file
  /// `scratch`, which is removed afterwards.
  private static func readBlobs(
    _ entries: [Entry], repository: URL, scratch: URL, _ body: (Entry, inout BatchReader) throws(Failure) -> Void
  ) throws(Failure) {
    guard !entries.isEmpty else { return }
    let names = entries.map { $0.object + "\n" }.joined()
    do {
      try Data(names.utf8).write(to: scratch)
    } catch {
      throw Failure(description: "cannot write \(scratch.path): \(error.localizedDescription)")
    }
    defer { try? FileManager.default.removeItem(at: scratch) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["git", "-C", repository.path, "cat-file", "--batch"]
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    do {
      process.standardInput = try FileHandle(forReadingFrom: scratch)
      try process.run()
    } catch {
      throw Failure(description: "cannot run git: \(error.localizedDescription)")
    }
    var reader = BatchReader(handle: output.fileHandleForReading)
    defer {
      // On a failure part-way, the rest of git's output is drained so that it can exit.
      reader.drain()
      process.waitUntilExit()
    }
    for entry in entries {
      guard let header = reader.line() else { throw Failure(description: "git cat-file stopped early") }
      if header.hasSuffix(" missing") {
        throw Failure(description: "the object of \(entry.path) is missing from the repository")
      }
      let fields = header.split(separator: " ")
      guard fields.count == 3, fields[0] == entry.object, let size = Int(fields[2]), size == entry.size else {
        throw Failure(description: "git cat-file: unexpected answer for \(entry.path)")
      }
      reader.remaining = size
      try body(entry, &reader)
      reader.skipRest()
      guard reader.line() == "" else { throw Failure(description: "git cat-file: unexpected answer for \(entry.path)") }
    }
  }

  /// Reads `git cat-file --batch`'s output from a pipe: header lines, and blobs in chunks.
  struct BatchReader {
    let handle: FileHandle
    private var buffer: [UInt8] = []
    private var start = 0
    /// The bytes of the current blob not read yet.
    var remaining = 0

    init(handle: FileHandle) {
      self.handle = handle
    }

    /// Reads more from the pipe; false at its end.
    private mutating func fill() -> Bool {
      if start > 0 {
        buffer.removeFirst(start)
        start = 0
      }
      let data = handle.availableData
      guard !data.isEmpty else { return false }
      buffer += data
      return true
    }

    /// The next line, without its line feed; nil at the end.
    mutating func line() -> String? {
      while true {
        if let end = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
          let line = String(decoding: buffer[start..<end], as: UTF8.self)
          start = end + 1
          return line
        }
        // A header is short: a longer line is not git's answer.
        guard buffer.count - start < 1_024, fill() else { return nil }
      }
    }

    /// The next part of the current blob, at most what is buffered; empty when it is all read.
    private mutating func chunk() throws(Failure) -> ArraySlice<UInt8> {
      guard remaining > 0 else { return [] }
      if start == buffer.count, !fill() { throw Failure(description: "git cat-file stopped early") }
      let count = min(remaining, buffer.count - start)
      defer {
        start += count
        remaining -= count
      }
      return buffer[start..<(start + count)]
    }

    /// The whole of the current blob (a link's target: small).
    mutating func bytes() throws(Failure) -> [UInt8] {
      var bytes: [UInt8] = []
      while remaining > 0 { bytes += try chunk() }
      return bytes
    }

    /// Writes the current blob to a new file at `path`; returns why it could not be written (an entry
    /// already there, say), after reading past it.
    mutating func write(to path: String) throws(Failure) -> String? {
      let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
      guard descriptor >= 0 else { return "cannot write this file from git: \(String(cString: strerror(errno)))" }
      defer { close(descriptor) }
      var failure: String?
      while remaining > 0 {
        let part = try chunk()
        guard failure == nil else { continue }
        var offset = part.startIndex
        while offset < part.endIndex {
          let written = part[offset...].withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
          if written < 0 && errno == EINTR { continue }
          guard written > 0 else {
            failure = "cannot write this file from git: \(String(cString: strerror(errno)))"
            break
          }
          offset += written
        }
      }
      return failure
    }

    /// Reads past what is left of the current blob.
    mutating func skipRest() {
      while remaining > 0, (try? chunk()) != nil {}
      remaining = 0
    }

    /// Reads to the end of the pipe.
    mutating func drain() {
      buffer = []
      start = 0
      while !handle.availableData.isEmpty {}
    }
  }
}
