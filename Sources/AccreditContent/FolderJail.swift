import AccreditEngine
import Foundation
import Synchronization
import AccreditSupport

/// Lists and reads the files below a folder whose contents are untrusted (a pull request's content
/// folder, a templates folder), without ever leaving it.
///
/// - A symbolic link is followed only when its target is inside the folder; a link to anything outside
///   is a problem named by the link's own path, and the target is never opened.
/// - A link to a folder that holds the link (a loop) is a problem, found before it is walked.
/// - Only regular files are read (a FIFO would block a read for ever), each up to `maximumFileSize`.
/// - In CI (`CI=true`), a file with more than one hard link is not read: a hard link to a file outside
///   the folder looks like any file inside it, and git never checks one out (`refusesHardLinks`).
/// - The walk stops at `maximumDepth` folders deep and after `maximumEntries` entries, so that no tree of
///   links can make the work grow without bound.
public enum FolderJail {
  /// The largest file read, in bytes: far above any record or note, far below what could exhaust memory.
  public static let maximumFileSize = 10 * 1024 * 1024
  /// How many folders deep the walk goes below the root.
  public static let maximumDepth = 8
  /// How many entries (files and folders) the walk visits at most.
  public static let maximumEntries = 2_000_000

  /// Whether `read` refuses a file with more than one hard link: when the environment says it runs in
  /// CI (`CI` is `true` or `1`, as GitHub Actions, GitLab and most others set it), where a checkout holds
  /// none. Outside CI an editor's own hard links are fine (docs/hardening.md).
  public static let refusesHardLinks: Bool = {
    let value = ProcessInfo.processInfo.environment["CI"]?.lowercased()
    return value == "true" || value == "1"
  }()

  /// A file found by `list`.
  public struct File: Sendable {
    /// The path relative to the root, `/` separated, as the user sees it (through links, not their targets).
    public var path: String
    /// The real path to open, inside the root.
    public var location: String
  }

  /// What `list` found.
  public struct Listing: Sendable {
    /// The files, sorted by path.
    public var files: [File] = []
    /// Entries that are not read, and why: the path relative to the root and a message.
    public var problems: [(path: String, message: String)] = []

    /// A listing of `files`, with no problems: a part of another listing, to read those files alone.
    public init(files: [File] = []) {
      self.files = files
    }
  }

  /// A problem with the root folder itself.
  public struct RootError: Error, CustomStringConvertible {
    /// What went wrong.
    public var description: String
  }

  /// The files below `root`, hidden ones (a name starting with `.`) skipped. With `only`, just the
  /// top-level entries of those names are looked at. `what` names the folder in messages
  /// (`content folder`, `templates folder`).
  public static func list(_ root: URL, only: Set<String>? = nil, what: String) throws(RootError) -> Listing {
    guard let real = realPath(root.path), kind(of: real) == .folder else {
      throw RootError(description: "\(what) '\(root.path)' does not exist or is not a folder")
    }
    let walk = Walk(root: real, what: what)
    var listing = Listing()
    // A root that cannot be listed names itself, rather than every file it seems to lack.
    if case .failure(let reason) = walk.entries(of: real) {
      throw RootError(description: "cannot list the \(what) '\(root.path)': \(reason)")
    }
    walk.list(folder: real, path: "", ancestors: [real], only: only, into: &listing)
    if walk.visited.load(ordering: .relaxed) > maximumEntries {
      listing.problems.append(
        ("", "more than \(maximumEntries) entries; is a symbolic link making the folder repeat itself?"))
    }
    listing.files.sort { $0.path < $1.path }
    listing.problems.sort { $0.path < $1.path }
    return listing
  }

  /// The files below the folder `relative` of `root` (`cases/acme`), as `list` finds them there: paths
  /// relative to `root`, links followed only inside `root`. Nil when that folder is not a folder inside
  /// `root` (missing, or a link leading out of it). What an edit that adds one file lists, rather than the
  /// whole folder.
  public static func list(_ root: URL, below relative: String, what: String) -> Listing? {
    guard let realRoot = realPath(root.path), !relative.isEmpty, !relative.split(separator: "/").contains(".."),
      let real = realPath(root.path + "/" + relative), real.hasPrefix(realRoot + "/"), kind(of: real) == .folder
    else { return nil }
    // The real paths of the folders on the way, for the walk's loop check.
    let parts = relative.split(separator: "/")
    let ancestors =
      [realRoot] + parts.indices.compactMap { realPath(root.path + "/" + parts[...$0].joined(separator: "/")) }
    let walk = Walk(root: realRoot, what: what)
    var listing = Listing()
    walk.list(folder: real, path: relative, ancestors: ancestors, only: nil, into: &listing)
    listing.files.sort { $0.path < $1.path }
    listing.problems.sort { $0.path < $1.path }
    return listing
  }

  /// The bytes of a listed file, or why it cannot be read: it is not a regular file, it is larger than
  /// `maximumFileSize`, it has more than one hard link when `refusingHardLinks`, or the system refused
  /// (the message then names the path as the user sees it).
  public static func read(_ file: File, refusingHardLinks: Bool = refusesHardLinks) -> Result<[UInt8], ReadFailure> {
    // No link is followed here: `location` is a real path, and `O_NOFOLLOW` keeps it so if the folder
    // changes between the listing and the read. `O_NONBLOCK` keeps a FIFO put there meanwhile from blocking.
    let descriptor = open(file.location, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
    guard descriptor >= 0 else { return .failure(.system(systemReason())) }
    defer { close(descriptor) }
    var status = stat()
    guard fstat(descriptor, &status) == 0 else { return .failure(.system(systemReason())) }
    guard status.st_mode & S_IFMT == S_IFREG else { return .failure(.notRegular) }
    guard !refusingHardLinks || status.st_nlink <= 1 else { return .failure(.hardLink(Int(status.st_nlink))) }
    guard Int(status.st_size) <= maximumFileSize else { return .failure(.tooLarge(Int(status.st_size))) }
    // One byte more than the size, so that the end of the file is seen without growing the buffer.
    var bytes = [UInt8](repeating: 0, count: Swift.max(Int(status.st_size), 0) + 1)
    var filled = 0
    while true {
      if filled == bytes.count {
        guard filled <= maximumFileSize else { return .failure(.tooLarge(filled)) }
        bytes += repeatElement(0, count: bytes.count)
      }
      let count = bytes.withUnsafeMutableBytes { buffer in
        buffer.baseAddress.map { Foundation.read(descriptor, $0 + filled, buffer.count - filled) } ?? 0
      }
      if count < 0 && errno == EINTR { continue }
      guard count >= 0 else { return .failure(.system(systemReason())) }
      if count == 0 { break }
      filled += count
    }
    bytes.removeLast(bytes.count - filled)
    return .success(bytes)
  }

  /// Why a file was not read.
  public enum ReadFailure: Error, CustomStringConvertible {
    /// Not a regular file.
    case notRegular
    /// Larger than `maximumFileSize`; the size in bytes.
    case tooLarge(Int)
    /// More than one hard link, in CI; the number of links.
    case hardLink(Int)
    /// The system's reason.
    case system(String)

    public var description: String {
      switch self {
      case .notRegular: "not a regular file; only regular files are read"
      case .tooLarge(let size):
        "file is \(megabytes(size)) MB, larger than the \(megabytes(maximumFileSize)) MB a file may be"
      case .hardLink(let links):
        "file has \(links) hard links; in CI (CI=true) a file must have one, since a hard link can bring in a "
          + "file from outside the folder and git never checks one out"
      case .system(let reason): "cannot read the file: \(reason)"
      }
    }

    private func megabytes(_ bytes: Int) -> String {
      let tenths = (bytes * 10 + 1024 * 1024 / 2) / (1024 * 1024)
      return tenths % 10 == 0 ? "\(tenths / 10)" : "\(tenths / 10).\(tenths % 10)"
    }
  }

  /// The system's reason for the last failure, with its name: `Permission denied (EACCES)`.
  public static func systemReason(_ code: Int32 = errno) -> String {
    let names: [Int32: String] = [
      EACCES: "EACCES", EPERM: "EPERM", EMFILE: "EMFILE", ENFILE: "ENFILE", EIO: "EIO", ENOENT: "ENOENT",
      ENOTDIR: "ENOTDIR", ELOOP: "ELOOP", ENAMETOOLONG: "ENAMETOOLONG", ENOMEM: "ENOMEM", EISDIR: "EISDIR",
    ]
    let text = String(cString: strerror(code))
    return names[code].map { "\(text) (\($0))" } ?? text
  }

  /// Whether this process may read the file `status` describes: a cache may answer for a file only while
  /// reading it would succeed, so that a file made unreadable (`chmod 000`) is an error, not old bytes.
  /// The permission bits answer for most files; `access` is asked only when they do not.
  static func isReadable(_ status: stat, at path: String) -> Bool {
    isRoot || status.st_mode & S_IROTH != 0 || access(path, R_OK) == 0
  }

  /// Whether the process runs as root, asked once: a `geteuid` per file stamped was a system call each.
  private static let isRoot = geteuid() == 0

  enum Kind { case file, folder, other, missing }

  /// What is at `path`, following links.
  static func kind(of path: String) -> Kind {
    var status = stat()
    guard stat(path, &status) == 0 else { return .missing }
    switch status.st_mode & S_IFMT {
    case S_IFREG: return .file
    case S_IFDIR: return .folder
    default: return .other
    }
  }

  /// The path with every link resolved, or nil when it does not exist.
  static func realPath(_ path: String) -> String? {
    guard let resolved = realpath(path, nil) else { return nil }
    defer { free(resolved) }
    return String(cString: resolved)
  }

  /// One walk of one root.
  private final class Walk: Sendable {
    let root: String
    let what: String
    let visited = Atomic<Int>(0)

    init(root: String, what: String) {
      self.root = root
      self.what = what
    }

    /// Adds the files below the real folder `folder`, shown to the user as `path`. `ancestors` are the
    /// real paths of the folders walked to get here, for loop detection. The folders are listed a level at
    /// a time, each level's on every core: listed each with its own subfolders on every core, the walk ran
    /// on one, since a `concurrentPerform` inside another runs on the calling thread alone, and `cases/`,
    /// with its 10,000 folders, was one item of the root's.
    func list(folder: String, path: String, ancestors: [String], only: Set<String>?, into listing: inout Listing) {
      var level = [Pending(real: folder, path: path, ancestors: ancestors, only: only)]
      while !level.isEmpty {
        let listed = level.parallelMap { list($0) }
        level = []
        for part in listed {
          listing.files += part.listing.files
          listing.problems += part.listing.problems
          level += part.folders
        }
      }
    }

    /// A folder to list: its real path, its path as the user sees it, the real paths of the folders
    /// walked to get there, and, for the root, the names alone to look at.
    private struct Pending: Sendable {
      var real: String
      var path: String
      var ancestors: [String]
      var only: Set<String>?
    }

    /// The files and problems of the folder `pending`, and its folders to list next.
    private func list(_ pending: Pending) -> (listing: Listing, folders: [Pending]) {
      let path = pending.path
      var listing = Listing()
      var folders: [(real: String, path: String)] = []
      let found: [Entry]
      switch entries(of: pending.real) {
      case .success(let entries): found = entries
      case .failure(let reason):
        // A folder that cannot be listed is an error, never an empty folder: its pages would be removed.
        listing.problems.append((path, "cannot list the folder: \(reason)"))
        return (listing, [])
      }
      for entry in found {
        let name = entry.name
        let shown = path.isEmpty ? name : path + "/" + name
        guard let type = entry.type else {
          if pending.only == nil || pending.only?.contains(name) == true {
            listing.problems.append((shown, entry.problem ?? "cannot read this entry"))
          }
          continue
        }
        if let only = pending.only, !only.contains(name) { continue }
        guard visited.add(1, ordering: .relaxed).newValue <= maximumEntries else { return (listing, []) }
        let full = pending.real + "/" + name
        switch type {
        case Int32(DT_REG):
          listing.files.append(File(path: shown, location: full))
        case Int32(DT_DIR):
          folders.append((full, shown))
        case Int32(DT_LNK):
          switch follow(full) {
          case .success(let (real, isFolder)):
            if !isFolder {
              listing.files.append(File(path: shown, location: real))
            } else if pending.ancestors.contains(real) {
              listing.problems.append((shown, "symbolic link loop: the link points to a folder that holds it"))
            } else {
              folders.append((real, shown))
            }
          case .failure(let problem):
            listing.problems.append((shown, problem.message))
          }
        default:
          listing.problems.append((shown, "not a regular file or folder; only regular files are read"))
        }
      }
      let depth = path.isEmpty ? 0 : path.split(separator: "/").count
      if depth >= maximumDepth && !folders.isEmpty {
        listing.problems += folders.map { ($0.path, "folder nested more than \(maximumDepth) deep; not read") }
        return (listing, [])
      }
      let next = folders.map { Pending(real: $0.real, path: $0.path, ancestors: pending.ancestors + [$0.real]) }
      return (listing, next)
    }

    private struct Refusal: Error {
      let message: String
    }

    /// Where the link at `full` leads, when that is a file or folder inside the root.
    private func follow(_ full: String) -> Result<(String, Bool), Refusal> {
      guard let real = realPath(full) else {
        return .failure(Refusal(message: "broken symbolic link: its target does not exist"))
      }
      let kind = FolderJail.kind(of: real)
      guard real == root || real.hasPrefix(root + "/") else {
        let noun = kind == .folder ? "folder" : "file"
        return .failure(Refusal(message: "symbolic link to a \(noun) outside the \(what); links must stay inside it"))
      }
      switch kind {
      case .file: return .success((real, false))
      case .folder: return .success((real, true))
      case .other, .missing:
        return .failure(Refusal(message: "symbolic link to something that is not a regular file or folder"))
      }
    }

    /// An entry of a folder: its name and `d_type`, or, when it cannot be read (a name that is not UTF-8,
    /// an `lstat` that failed), why.
    struct Entry {
      var name: String
      var type: Int32?
      var problem: String?
    }

    /// The visible entries of a folder with their `d_type`; entries of unknown type are `lstat`ed. A folder
    /// that cannot be opened or read to its end is a failure with the system's reason.
    func entries(of directory: String) -> Result<[Entry], ListFailure> {
      guard let stream = opendir(directory) else { return .failure(ListFailure(reason: systemReason())) }
      defer { closedir(stream) }
      var found: [Entry] = []
      while true {
        errno = 0
        guard let entry = readdir(stream) else {
          if errno != 0 { return .failure(ListFailure(reason: systemReason())) }
          break
        }
        let bytes = withUnsafeBytes(of: entry.pointee.d_name) { raw in Array(raw.prefix { $0 != 0 }) }
        guard bytes.first != UInt8(ascii: ".") else { continue }
        guard let name = String(validating: bytes, as: UTF8.self) else {
          // Shown with the bytes that are not UTF-8 replaced, so that the message itself is text.
          found.append(
            Entry(
              name: String(decoding: bytes, as: UTF8.self), type: nil,
              problem: "name is not valid UTF-8; rename it (names become paths and addresses of the site)"))
          continue
        }
        var type = Int32(entry.pointee.d_type)
        if type == Int32(DT_UNKNOWN) {
          var status = stat()
          guard lstat(directory + "/" + name, &status) == 0 else {
            found.append(Entry(name: name, type: nil, problem: "cannot read this entry: \(systemReason())"))
            continue
          }
          switch status.st_mode & S_IFMT {
          case S_IFREG: type = Int32(DT_REG)
          case S_IFDIR: type = Int32(DT_DIR)
          case S_IFLNK: type = Int32(DT_LNK)
          default: type = Int32(DT_FIFO)
          }
        }
        found.append(Entry(name: name, type: type))
      }
      return .success(found)
    }
  }

  /// Why a folder could not be listed: the system's reason.
  struct ListFailure: Error, CustomStringConvertible {
    let reason: String
    var description: String { reason }
  }
}
