import Foundation
import Synchronization

/// Tells the preview server that something changed below its folders, as the kernel reports it
/// (inotify on Linux): a save is seen at once, and an idle server costs nothing. Polling the folders
/// (`FolderWatcher`) stat'ed every file ten times a second: at 1,000 × 10 it took a quarter of a core
/// while idle and added a whole scan to every rebuild.
///
/// Every folder below the roots is watched, and new folders as they appear. A root given as a symbolic
/// link is resolved first (a watch made with `IN_DONT_FOLLOW` on the link itself fails); links below it
/// are not followed (the build refuses links out of the folders), and hidden files (an editor's swap
/// files) are ignored. The folder holding each root is watched too, for the root's name alone, so that
/// a root moved away, deleted, put back or replaced (`mv content content.old && cp -a content.old content`,
/// a link retargeted) makes the notifier start over from the roots. Where inotify is missing, `make`
/// returns nil and the server polls.
final class ChangeNotifier: @unchecked Sendable {
  // All state is used by the one thread that calls `wait`, apart from `descriptor`, which is constant,
  // and `missed` and `pending`, which are shared.
  private let descriptor: Int32
  /// The folders to watch, as given (a symbolic link is resolved each time the watches are made).
  private let roots: [URL]
  /// The roots with every link resolved, as they were when the watches were made.
  private var resolvedRoots: [String] = []
  /// The watched folders: the root they are below (an index into `roots`) and their path relative to it
  /// (empty for the root itself).
  private var folders: [Int32: (root: Int, path: String)] = [:]
  /// The folders holding the roots: the names there that are roots, and which.
  private var parents: [Int32: [String: Int]] = [:]
  /// Whether a folder could not be watched (the system's limit on watches, `fs.inotify.max_user_watches`).
  private let missed = Atomic<Bool>(false)
  var missedFolder: Bool { missed.load(ordering: .relaxed) }
  private var buffer = [UInt8](repeating: 0, count: 64 * 1024)
  /// What changed since the last `takeChanges`.
  private let pending = Mutex(Changes())
  /// The files (by root and path) written, or created, and not closed since: a writer is still at them.
  private let writing = Mutex(Set<String>())

  /// Whether a file reported since the last `takeChanges` was written or created and not yet closed (or
  /// renamed into place): a save still under way, which the server waits out.
  var isWriting: Bool { writing.withLock { !$0.isEmpty } }

  /// The changes the kernel reported: the files, or `isUnknown` when a folder changed or events were lost.
  struct Changes: Sendable {
    /// The files created, written, removed or renamed, by root (the index of the root in the notifier's
    /// list), each relative to its root.
    var files: [Int: Set<String>] = [:]
    /// Whether something else changed (a folder, a root replaced, or more than the kernel's queue held):
    /// read everything.
    var isUnknown = false

    /// Whether nothing was reported.
    var isEmpty: Bool { !isUnknown && files.values.allSatisfy(\.isEmpty) }
  }

  /// The changes reported since the last call, which are then forgotten.
  func takeChanges() -> Changes {
    // A file still open is written again before it is closed, and that is reported again.
    writing.withLock { $0.removeAll() }
    return pending.withLock { pending in
      defer { pending = Changes() }
      return pending
    }
  }

  #if os(Linux)
    private static let folderEvents =
      UInt32(IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_ATTRIB)
      | UInt32(IN_DELETE_SELF | IN_MOVE_SELF)
    /// In a root's parent, only the root's own name coming and going matters.
    private static let parentEvents = UInt32(IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO)
  #endif

  private init(descriptor: Int32, roots: [URL]) {
    self.descriptor = descriptor
    self.roots = roots
  }

  deinit { close(descriptor) }

  /// A notifier watching every folder below `roots` (and the folders holding them); nil where the system
  /// has no inotify or a folder could not be watched (a change there would be missed, so the server polls
  /// instead). A root that does not exist yet is watched when it appears.
  static func make(watching roots: [URL]) -> ChangeNotifier? {
    #if os(Linux)
      let descriptor = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
      guard descriptor >= 0 else { return nil }
      let notifier = ChangeNotifier(descriptor: descriptor, roots: roots.map(\.standardizedFileURL))
      notifier.watchRoots()
      return notifier.missedFolder ? nil : notifier
    #else
      return nil
    #endif
  }

  /// Waits up to `timeout` for changes; returns whether any visible file or folder changed.
  func wait(timeout: Duration) -> Bool {
    #if os(Linux)
      var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
      let milliseconds = Int32(
        timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
      guard poll(&entry, 1, milliseconds) > 0 else { return false }
      return drain()
    #else
      return false
    #endif
  }

  #if os(Linux)
    /// Watches each root's parent and every folder below each root, from nothing: at the start, and again
    /// when a root was replaced (its old watches follow the old folder wherever it was moved).
    private func watchRoots() {
      for watched in Array(folders.keys) + Array(parents.keys) { inotify_rm_watch(descriptor, watched) }
      folders = [:]
      parents = [:]
      resolvedRoots = roots.map { FolderWatcher.resolved($0).path }
      for (index, root) in roots.enumerated() {
        // Both the link and what it points to may be replaced: watch the folders holding each.
        for path in Set([root.path, resolvedRoots[index]]) { watchParent(of: path, root: index) }
        watch(resolvedRoots[index], root: index, relative: "")
      }
    }

    private func watchParent(of path: String, root: Int) {
      let url = URL(fileURLWithPath: path)
      let parent = url.deletingLastPathComponent().path
      // `IN_MASK_ADD`: the parent may be a watched folder too (a templates folder inside the content).
      let added = inotify_add_watch(descriptor, parent, Self.parentEvents | UInt32(IN_ONLYDIR) | UInt32(IN_MASK_ADD))
      guard added >= 0 else { return }
      parents[added, default: [:]][url.lastPathComponent] = root
    }

    /// Adds a watch on `folder` and on every folder below it (not through links).
    private func watch(_ folder: String, root: Int, relative: String) {
      let added = inotify_add_watch(
        descriptor, folder, Self.folderEvents | UInt32(IN_ONLYDIR | IN_DONT_FOLLOW) | UInt32(IN_MASK_ADD))
      guard added >= 0 else {
        if errno == ENOSPC || errno == ENOMEM { missed.store(true, ordering: .relaxed) }
        return
      }
      folders[added] = (root, relative)
      guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
      for name in names where !name.hasPrefix(".") {
        var status = stat()
        if lstat(folder + "/" + name, &status) == 0, status.st_mode & S_IFMT == S_IFDIR {
          watch(folder + "/" + name, root: root, relative: relative.isEmpty ? name : relative + "/" + name)
        }
      }
    }

    /// Puts the entry at `path` below root `root`, which the event `mask` concerns, in the pending changes:
    /// a file by its path, anything else as a change that has everything read. A file's write or creation
    /// opens a save, and a close after writing, a rename or a removal ends it (`isWriting`; the events of
    /// one file come in order).
    private func report(_ path: String, root: Int, isFile: Bool, mask: UInt32) {
      pending.withLock { pending in
        if isFile { pending.files[root, default: []].insert(path) } else { pending.isUnknown = true }
      }
      guard isFile else { return }
      if mask & UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE) != 0 {
        writing.withLock { _ = $0.remove("\(root)/\(path)") }
      } else if mask & UInt32(IN_CREATE | IN_MODIFY) != 0 {
        writing.withLock { _ = $0.insert("\(root)/\(path)") }
      }
    }

    /// Reads every pending event; returns whether one concerned a visible entry.
    private func drain() -> Bool {
      var changed = false
      var rootReplaced = false
      while true {
        let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        guard count > 0 else { break }
        var offset = 0
        while offset + 16 <= count {
          let (watched, mask, length) = buffer.withUnsafeBytes { raw in
            (
              raw.loadUnaligned(fromByteOffset: offset, as: Int32.self),
              raw.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self),
              Int(raw.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self))
            )
          }
          let nameBytes = buffer[(offset + 16)..<min(count, offset + 16 + length)].prefix { $0 != 0 }
          let name = String(decoding: nameBytes, as: UTF8.self)
          offset += 16 + length
          if mask & UInt32(IN_Q_OVERFLOW) != 0 {
            pending.withLock { $0.isUnknown = true }
            changed = true
            continue
          }
          if let names = parents[watched], names[name] != nil, mask & Self.parentEvents != 0 {
            rootReplaced = true
            changed = true
          }
          guard let folder = folders[watched] else { continue }
          if folder.path.isEmpty && mask & UInt32(IN_DELETE_SELF | IN_MOVE_SELF) != 0 {
            rootReplaced = true
            changed = true
            continue
          }
          if mask & UInt32(IN_IGNORED) != 0 {
            folders[watched] = nil
            continue
          }
          guard !name.hasPrefix(".") else { continue }
          changed = true
          let path = folder.path.isEmpty ? name : folder.path + "/" + name
          report(path, root: folder.root, isFile: !name.isEmpty && mask & UInt32(IN_ISDIR) == 0, mask: mask)
          if mask & UInt32(IN_ISDIR) != 0, mask & UInt32(IN_CREATE | IN_MOVED_TO) != 0 {
            watch(resolvedRoots[folder.root] + "/" + path, root: folder.root, relative: path)
          }
        }
      }
      if rootReplaced {
        // Start over: the old watches follow the folder that was moved away, and the new one has none.
        watchRoots()
        pending.withLock { $0.isUnknown = true }
      }
      return changed
    }
  #endif
}
