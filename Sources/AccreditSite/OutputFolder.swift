public import Foundation
import AccreditSupport
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
    let output = resolved(output)
    let parent = output.deletingLastPathComponent().path
    let path = parent + "/" + neighbour(of: output, "lock")
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

  /// The output folder with every symbolic link resolved, when it exists: a build writes the folder a link
  /// points to, and never replaces the link itself with a folder.
  public static func resolved(_ output: URL) -> URL {
    let output = output.standardizedFileURL
    guard let real = realpath(output.path, nil) else { return output }
    defer { free(real) }
    return URL(fileURLWithPath: String(cString: real), isDirectory: true)
  }

  /// Why a build must not write into `output`, or nil: it is or holds the content or templates folder, is
  /// the root, a home folder or one holding home folders, a git repository (a `.git` folder or inside
  /// one, a bare repository, or a folder holding a `.git` folder). A build only ever removes files it made,
  /// but it writes its own files under their names, and none of these folders is a place for a site.
  public static func refusal(_ output: URL, content: URL, templates: URL?, home: URL?) -> String? {
    let path = existingPrefixResolved(output)
    func overlaps(_ other: URL) -> Bool {
      let other = existingPrefixResolved(other)
      return other == path || other.hasPrefix(path == "/" ? "/" : path + "/") || path.hasPrefix(other + "/")
    }
    if path == "/" { return "it is the root folder" }
    if overlaps(content) { return "it overlaps the content folder" }
    if let templates, overlaps(templates) { return "it overlaps the templates folder" }
    let homes = ["/root", "/home", "/Users"] + (home.map { [existingPrefixResolved($0)] } ?? [])
    if homes.contains(where: { $0 == path || $0.hasPrefix(path + "/") })
      || ["/home", "/Users"].contains((path as NSString).deletingLastPathComponent)
    {
      return "it is a home folder or holds one"
    }
    let components = path.split(separator: "/")
    if components.contains(".git") { return "it is inside a git repository's .git folder" }
    // A `.git` file is a linked work tree or a submodule: how a site is deployed to a branch of its own
    // (`git worktree add public gh-pages`), and it is kept. A `.git` folder is a repository's own root.
    if isFolder(path + "/.git") {
      return "it is the root of a git repository (it holds a .git folder); to publish into a branch, "
        + "build into a linked work tree of it (git worktree add public gh-pages)"
    }
    if access(path + "/HEAD", F_OK) == 0, isFolder(path + "/objects"), isFolder(path + "/refs") {
      return "it is a git repository"
    }
    return nil
  }

  private static func isFolder(_ path: String) -> Bool {
    var status = stat()
    return stat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFDIR
  }

  /// The path with the links of its longest existing part resolved, the rest as given.
  static func existingPrefixResolved(_ url: URL) -> String {
    var existing = url.standardizedFileURL
    var rest: [String] = []
    while existing.path != "/" {
      if let real = realpath(existing.path, nil) {
        defer { free(real) }
        var path = String(cString: real)
        for name in rest.reversed() { path += (path == "/" ? "" : "/") + name }
        return path
      }
      rest.append(existing.lastPathComponent)
      existing = existing.deletingLastPathComponent().standardizedFileURL
    }
    return "/" + rest.reversed().joined(separator: "/")
  }

  /// The name of a neighbour of `output` (`lock`, `staging-<id>`, `old-<id>`): `.<name>.accredit-<kind>`,
  /// with a hash in place of a name so long that the neighbour's would pass the 255 bytes a name may have.
  static func neighbour(of output: URL, _ kind: String) -> String {
    let name = output.lastPathComponent
    let shown = name.utf8.count <= 200 ? name : "h" + String(StableHash.of(Array(name.utf8)), radix: 16)
    return ".\(shown).accredit-\(kind)"
  }

  /// Undoes what a killed full build left beside `output`: when the folder is missing and an old copy
  /// exists, the swap was cut between its two renames and the old copy goes back; then every staging and
  /// old folder of `output` is removed. Call it holding the lock. Returns what it could not remove.
  @discardableResult
  static func recover(_ output: URL) -> [String] {
    let manager = FileManager.default
    let output = output.standardizedFileURL
    let parent = output.deletingLastPathComponent()
    let prefix = neighbour(of: output, "")
    guard let names = try? manager.contentsOfDirectory(atPath: parent.path) else { return [] }
    let leftovers = names.filter { $0.hasPrefix(prefix + "staging-") || $0.hasPrefix(prefix + "old-") }.sorted()
    if !manager.fileExists(atPath: output.path), let old = leftovers.first(where: { $0.hasPrefix(prefix + "old-") }) {
      _ = rename(parent.appendingPathComponent(old).path, output.path)
    }
    return leftovers.compactMap { remove(parent.appendingPathComponent($0)) }
  }

  /// Removes a staging or old folder; nil when it is gone, else why it stays.
  private static func remove(_ folder: URL) -> String? {
    do {
      try FileManager.default.removeItem(at: folder)
      return nil
    } catch {
      guard FileManager.default.fileExists(atPath: folder.path) else { return nil }
      return "could not remove \(folder.path) (\((error as NSError).localizedDescription)); remove it by hand"
    }
  }

  /// Whether a full build may replace `output` with a staging folder swapped in: the folder is this user's
  /// own (a build never takes over another user's folder), a mount point is never moved, and the parent
  /// folder must be writable. Otherwise the build updates the folder in place.
  static func canReplace(_ output: URL) -> Bool {
    let output = output.standardizedFileURL
    let parent = output.deletingLastPathComponent().path
    var folder = stat()
    var above = stat()
    guard lstat(output.path, &folder) == 0 else { return access(parent, W_OK) == 0 }
    guard stat(parent, &above) == 0, folder.st_mode & S_IFMT == S_IFDIR else { return false }
    let isOwn = geteuid() == 0 || folder.st_uid == geteuid()
    return isOwn && folder.st_dev == above.st_dev && access(parent, W_OK) == 0 && access(output.path, W_OK) == 0
  }

  /// Replaces `output` with a folder that `fill` writes, so that a failed build leaves the previous site
  /// exactly as it was: `fill` writes a staging folder beside it, which is swapped in with two renames.
  /// Returns what it could not remove afterwards (the previous copy, when the system refused).
  @discardableResult
  static func replace(_ output: URL, fill: (URL) throws -> Void) throws -> [String] {
    let manager = FileManager.default
    let output = output.standardizedFileURL
    let parent = output.deletingLastPathComponent()
    let id = UUID().uuidString.prefix(8).lowercased()
    let staging = parent.appendingPathComponent(neighbour(of: output, "staging-\(id)"))
    let previous = parent.appendingPathComponent(neighbour(of: output, "old-\(id)"))

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
    if exists {
      // The new site keeps the folder's permissions.
      var status = stat()
      if stat(output.path, &status) == 0 { chmod(staging.path, status.st_mode & 0o7777) }
    }
    if exists, let exchange, exchange(AT_FDCWD, staging.path, AT_FDCWD, output.path, renameExchange) == 0 {
      // One atomic step: the output is the new site, and the staging folder holds the old one.
      CrashPoint.reach(.swap)
      return remove(staging).map { [$0] } ?? []
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
      return remove(previous).map { [$0] } ?? []
    } else if rename(staging.path, output.path) != 0 {
      let failure = WriteFailure("create", output.path)
      try? manager.removeItem(at: staging)
      throw failure
    }
    return []
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

  private static let target = testPoint("ACCREDIT_CRASH_AT", of: CrashPoint.self)
  private static let reached = Atomic<Int>(0)

  static func reach(_ point: CrashPoint) {
    guard let target, target.point == point else { return }
    if reached.add(1, ordering: .relaxed).newValue == target.count { kill(getpid(), SIGKILL) }
  }
}

/// A point where a test can have the build wait (`ACCREDIT_PAUSE_AT=record:<milliseconds>`), to hold it at
/// a moment where another build could slip in: before the build cache's record is written.
enum PausePoint: String {
  /// Before the build record is written.
  case record

  private static let target = testPoint("ACCREDIT_PAUSE_AT", of: PausePoint.self)

  static func reach(_ point: PausePoint) {
    guard let target, target.point == point else { return }
    usleep(UInt32(clamping: target.count * 1000))
  }
}

/// Writes a test can make fail as a full disk would (`ENOSPC`), to check that a failed write leaves no
/// temporary file or journal behind: `ACCREDIT_FAIL_AT=<point>:<n>` fails the n-th write of that kind and
/// every later one. Unset, as always outside tests, each write costs one load of a constant.
enum FailPoint: String {
  /// A page or other file of the site.
  case write
  /// The manifest.
  case manifest
  /// The journal.
  case journal

  private static let target = testPoint("ACCREDIT_FAIL_AT", of: FailPoint.self)
  private static let reached = Atomic<Int>(0)

  /// Whether this write is to fail.
  func fails() -> Bool {
    guard let target = Self.target, target.point == self else { return false }
    return Self.reached.add(1, ordering: .relaxed).newValue >= target.count
  }
}

/// The point and count a test names in the environment variable `variable` (`<point>:<n>`), or nil.
private func testPoint<Point: RawRepresentable<String>>(_ variable: String, of: Point.Type) -> (
  point: Point, count: Int
)? {
  guard let value = ProcessInfo.processInfo.environment[variable] else { return nil }
  let parts = value.split(separator: ":")
  guard parts.count == 2, let point = Point(rawValue: String(parts[0])), let count = Int(parts[1]) else { return nil }
  return (point, count)
}
