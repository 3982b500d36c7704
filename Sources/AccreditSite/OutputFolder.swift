public import Foundation
import Synchronization

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

/// A file or folder of the site that could not be written, with the system's reason.
public struct WriteFailure: Error, CustomStringConvertible, Sendable {
  /// `cannot write public/index.html: No space left on device`.
  public var description: String

  init(_ action: String, _ path: String, reason: String = String(cString: strerror(errno))) {
    description = "cannot \(action) \(path): \(reason)"
  }
}

/// Another build holds the output folder's lock, and the caller asked not to wait.
public struct OutputBusy: Error, CustomStringConvertible, Sendable {
  /// What to tell the user.
  public var description: String
}

/// The output folder's neighbours: its lock, and the staging folder a full build is written into.
///
/// - One build at a time: `lock` takes an exclusive `flock` on `.<name>.accredit-lock` beside the folder
///   (not inside it, because a full build replaces the folder and a lock inside would go with it).
/// - A full build is written into `.<name>.accredit-staging-<id>` and swapped in with two renames.
/// - `recover` undoes what a killed build left: an interrupted swap is rolled back, and staging and old
///   folders are removed. It runs under the lock, before each build.
public enum OutputFolder {
  /// The lock on one output folder; released when this is freed (or the process dies).
  public final class Lock: Sendable {
    private let descriptor: Int32

    fileprivate init(descriptor: Int32) {
      self.descriptor = descriptor
    }

    deinit { close(descriptor) }
  }

  /// Takes the output folder's lock. When another build holds it: with `wait`, calls `onWaiting` once and
  /// waits; without, throws `OutputBusy`.
  public static func lock(_ output: URL, wait: Bool, onWaiting: () -> Void = {}) throws -> Lock {
    let output = output.standardizedFileURL
    let parent = output.deletingLastPathComponent().path
    let path = parent + "/.\(output.lastPathComponent).accredit-lock"
    try makeFolder(parent)
    let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { throw WriteFailure("create the lock file", path) }
    if flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
      guard errno == EWOULDBLOCK else {
        defer { close(descriptor) }
        throw WriteFailure("lock", path)
      }
      guard wait else {
        close(descriptor)
        throw OutputBusy(
          description: "another build is writing \(output.path) (it holds \(path)); run again when it is done, "
            + "or without --no-wait to wait for it")
      }
      onWaiting()
      while flock(descriptor, LOCK_EX) != 0 {
        guard errno == EINTR else {
          defer { close(descriptor) }
          throw WriteFailure("lock", path)
        }
      }
    }
    return Lock(descriptor: descriptor)
  }

  /// Undoes what a killed full build left beside `output`: when the folder is missing and an old copy
  /// exists, the swap was cut between its two renames and the old copy goes back; then every staging and
  /// old folder of `output` is removed. Call it holding the lock.
  static func recover(_ output: URL) {
    let manager = FileManager.default
    let output = output.standardizedFileURL
    let parent = output.deletingLastPathComponent()
    let prefix = ".\(output.lastPathComponent).accredit-"
    guard let names = try? manager.contentsOfDirectory(atPath: parent.path) else { return }
    let leftovers = names.filter { $0.hasPrefix(prefix + "staging-") || $0.hasPrefix(prefix + "old-") }.sorted()
    if !manager.fileExists(atPath: output.path), let old = leftovers.first(where: { $0.hasPrefix(prefix + "old-") }) {
      _ = rename(parent.appendingPathComponent(old).path, output.path)
    }
    for name in leftovers { try? manager.removeItem(at: parent.appendingPathComponent(name)) }
  }

  /// Replaces `output` with a folder that `fill` writes, so that a failed build leaves the previous site
  /// exactly as it was: `fill` writes a staging folder beside it, which is swapped in with two renames.
  static func replace(_ output: URL, fill: (URL) throws -> Void) throws {
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
      throw WriteFailure("write the site to", output.path, reason: "it exists and is not a folder")
    }
    guard mkdir(staging.path, 0o755) == 0 else { throw WriteFailure("create folder", staging.path) }
    do {
      try fill(staging)
    } catch {
      // The filler's own error (a page that cannot render, a file that cannot be written) says what failed.
      try? manager.removeItem(at: staging)
      throw error
    }
    if exists, let exchange, exchange(AT_FDCWD, staging.path, AT_FDCWD, output.path, renameExchange) == 0 {
      // One atomic step: the output is the new site, and the staging folder holds the old one.
      CrashPoint.reach(.swap)
      try? manager.removeItem(at: staging)
    } else if exists {
      guard rename(output.path, previous.path) == 0 else {
        let failure = WriteFailure("replace", output.path)
        try? manager.removeItem(at: staging)
        throw failure
      }
      CrashPoint.reach(.swap)
      guard rename(staging.path, output.path) == 0 else {
        let failure = WriteFailure("replace", output.path)
        _ = rename(previous.path, output.path)
        try? manager.removeItem(at: staging)
        throw failure
      }
      try? manager.removeItem(at: previous)
    } else if rename(staging.path, output.path) != 0 {
      let failure = WriteFailure("create", output.path)
      try? manager.removeItem(at: staging)
      throw failure
    }
  }

  /// `renameat2`, which swaps two folders in one atomic step with `RENAME_EXCHANGE` (Linux 3.15, glibc
  /// 2.28), looked up at run time because Swift's Glibc module does not declare it. Without it, or on a
  /// file system that refuses the flag, the swap is two renames, and `recover` repairs a kill between them.
  private static let exchange:
    (@convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32)? = {
      #if os(Linux)
        guard let symbol = dlsym(nil, "renameat2") else { return nil }
        return unsafeBitCast(
          symbol, to: (@convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32).self)
      #else
        return nil
      #endif
    }()
  private static let renameExchange: UInt32 = 1 << 1

  /// Makes `folder` and the folders above it that do not exist yet. Called on every core at once: a
  /// folder another core made first is fine.
  static func makeFolder(_ folder: String) throws {
    if mkdir(folder, 0o755) == 0 || errno == EEXIST { return }
    guard errno == ENOENT, let slash = folder.lastIndex(of: "/"), slash != folder.startIndex else {
      throw WriteFailure("create folder", folder)
    }
    try makeFolder(String(folder[..<slash]))
    if mkdir(folder, 0o755) != 0 && errno != EEXIST { throw WriteFailure("create folder", folder) }
  }
}

/// Points where a test can have the build killed (`kill -9` of itself), to check that no such kill
/// tears the site. `ACCREDIT_CRASH_AT=<point>:<n>` kills the process the n-th time it reaches `point`.
/// Unset, as always outside tests, each point costs one load of a constant.
enum CrashPoint: String {
  /// A file written beside its final name (incremental) or into the staging folder (full build).
  case write
  /// A rename of the commit step, or the removal of a file no longer made.
  case commit
  /// Between the two renames of a full build's swap.
  case swap

  private static let target: (point: CrashPoint, count: Int)? = {
    guard let value = ProcessInfo.processInfo.environment["ACCREDIT_CRASH_AT"] else { return nil }
    let parts = value.split(separator: ":")
    guard parts.count == 2, let point = CrashPoint(rawValue: String(parts[0])), let count = Int(parts[1]) else {
      return nil
    }
    return (point, count)
  }()
  private static let reached = Atomic<Int>(0)

  static func reach(_ point: CrashPoint) {
    guard let target, target.point == point else { return }
    if reached.add(1, ordering: .relaxed).newValue == target.count { kill(getpid(), SIGKILL) }
  }
}
