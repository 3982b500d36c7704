public import Foundation

/// A file of the built site: its path relative to the output folder, and its bytes.
public struct OutputFile: Sendable {
  /// The path relative to the output folder, `/` separated.
  public var path: String
  /// The bytes.
  public var bytes: [UInt8]
  /// The key of what it was made from (see `OutputJob`), when it was made by a job.
  public var key: UInt64
  /// Whether an incremental render reused these bytes from the previous render.
  public var isReused: Bool

  /// Creates an output file.
  public init(path: String, bytes: [UInt8], key: UInt64 = 0, isReused: Bool = false) {
    self.path = path
    self.bytes = bytes
    self.key = key
    self.isReused = isReused
  }

  /// Creates an output file from text, written as UTF-8.
  public init(path: String, text: String) {
    self.init(path: path, bytes: Array(text.utf8))
  }
}

/// Replaces the output folder as a whole, so that a failed build leaves the previous site exactly as it was.
///
/// The new site is written into a hidden sibling folder first, then swapped in with two renames;
/// readers see the old folder or the new one, never a half-written mix.
public enum OutputFolder {
  /// A problem writing the site.
  public struct WriteError: Error, CustomStringConvertible {
    /// What went wrong.
    public var description: String
  }

  /// Writes `files` as the complete new contents of `output`.
  public static func replace(_ output: URL, with files: [OutputFile]) throws {
    try replace(output) { staging in try write(files, into: staging) }
  }

  /// Replaces `output` with a folder that `fill` writes.
  public static func replace(_ output: URL, fill: (URL) throws -> Void) throws {
    let manager = FileManager.default
    let output = output.standardizedFileURL
    let parent = output.deletingLastPathComponent()
    let name = output.lastPathComponent
    let id = UUID().uuidString.prefix(8).lowercased()
    let staging = parent.appendingPathComponent(".\(name).accredit-staging-\(id)")
    let previous = parent.appendingPathComponent(".\(name).accredit-old-\(id)")

    var isDirectory: ObjCBool = false
    let exists = manager.fileExists(atPath: output.path, isDirectory: &isDirectory)
    if exists && !isDirectory.boolValue {
      throw WriteError(description: "output '\(output.path)' exists and is not a folder")
    }
    do {
      try? manager.removeItem(at: staging)
      try manager.createDirectory(at: staging, withIntermediateDirectories: true)
    } catch {
      throw WriteError(description: "cannot write the site to '\(output.path)': \(error.localizedDescription)")
    }
    do {
      try fill(staging)
    } catch {
      // The filler's own error (a page that cannot render, a file that cannot be written) says what failed.
      try? manager.removeItem(at: staging)
      throw error
    }
    do {
      if exists {
        try? manager.removeItem(at: previous)
        try manager.moveItem(at: output, to: previous)
        do {
          try manager.moveItem(at: staging, to: output)
        } catch {
          try? manager.moveItem(at: previous, to: output)
          throw error
        }
        try? manager.removeItem(at: previous)
      } else {
        try manager.moveItem(at: staging, to: output)
      }
    } catch {
      try? manager.removeItem(at: staging)
      throw WriteError(description: "cannot write the site to '\(output.path)': \(error.localizedDescription)")
    }
  }

  private static func write(_ files: [OutputFile], into folder: URL) throws {
    let manager = FileManager.default
    var made: Set<String> = []
    for file in files {
      let url = folder.appendingPathComponent(file.path)
      let directory = url.deletingLastPathComponent()
      if made.insert(directory.path).inserted {
        try manager.createDirectory(at: directory, withIntermediateDirectories: true)
      }
      try Data(file.bytes).write(to: url)
    }
  }
}
