import Foundation
import Synchronization

/// Tells the preview server that something changed below its folders, as the kernel reports it
/// (inotify on Linux): a save is seen at once, and an idle server costs nothing. Polling the folders
/// (`FolderWatcher`) stat'ed every file ten times a second: at 1,000 × 10 it took a quarter of a core
/// while idle and added a whole scan to every rebuild.
///
/// Every folder below the roots is watched, and new folders as they appear. Links are not followed (the
/// build refuses links out of the folders), and hidden files (an editor's swap files) are ignored.
/// Where inotify is missing, `make` returns nil and the server polls.
final class ChangeNotifier: @unchecked Sendable {
  // All state is used by the one thread that calls `wait`, apart from `descriptor`, which is constant.
  private let descriptor: Int32
  private var folders: [Int32: String] = [:]
  /// Whether a folder could not be watched (the system's limit on watches, `fs.inotify.max_user_watches`).
  private let missed = Atomic<Bool>(false)
  var missedFolder: Bool { missed.load(ordering: .relaxed) }
  private var buffer = [UInt8](repeating: 0, count: 64 * 1024)
  /// What changed since the last `takeChanges`.
  private let pending = Mutex(Changes())

  /// The changes the kernel reported: the files, or `isUnknown` when a folder changed or events were lost.
  struct Changes: Sendable {
    /// The full paths of the files created, written, removed or renamed.
    var files: Set<String> = []
    /// Whether something else changed (a folder, or more than the kernel's queue held): read everything.
    var isUnknown = false
  }

  /// The changes reported since the last call, which are then forgotten.
  func takeChanges() -> Changes {
    pending.withLock { pending in
      defer { pending = Changes() }
      return pending
    }
  }

  #if os(Linux)
    private static let folderEvents =
      UInt32(IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_ATTRIB)
      | UInt32(IN_DELETE_SELF | IN_MOVE_SELF)
  #endif

  private init(descriptor: Int32) {
    self.descriptor = descriptor
  }

  deinit { close(descriptor) }

  /// A notifier watching every folder below `roots`; nil where the system has no inotify or a folder could
  /// not be watched (a change there would be missed, so the server polls instead).
  static func make(watching roots: [URL]) -> ChangeNotifier? {
    #if os(Linux)
      let descriptor = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
      guard descriptor >= 0 else { return nil }
      let notifier = ChangeNotifier(descriptor: descriptor)
      for root in roots { notifier.watch(root.standardizedFileURL.path) }
      return notifier.folders.isEmpty || notifier.missedFolder ? nil : notifier
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
    /// Adds a watch on `folder` and on every folder below it (not through links).
    private func watch(_ folder: String) {
      let added = inotify_add_watch(descriptor, folder, Self.folderEvents | UInt32(IN_ONLYDIR | IN_DONT_FOLLOW))
      guard added >= 0 else {
        if errno == ENOSPC || errno == ENOMEM { missed.store(true, ordering: .relaxed) }
        return
      }
      folders[added] = folder
      guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
      for name in names where !name.hasPrefix(".") {
        var status = stat()
        if lstat(folder + "/" + name, &status) == 0, status.st_mode & S_IFMT == S_IFDIR { watch(folder + "/" + name) }
      }
    }

    /// Reads every pending event; returns whether one concerned a visible entry.
    private func drain() -> Bool {
      var changed = false
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
          guard !name.hasPrefix(".") else { continue }
          changed = true
          let parent = folders[watched]
          pending.withLock { pending in
            if let parent, !name.isEmpty, mask & UInt32(IN_ISDIR) == 0 {
              pending.files.insert(parent + "/" + name)
            } else {
              pending.isUnknown = true
            }
          }
          if mask & UInt32(IN_ISDIR) != 0, mask & UInt32(IN_CREATE | IN_MOVED_TO) != 0, let parent = folders[watched] {
            watch(parent + "/" + name)
          }
          if mask & UInt32(IN_IGNORED) != 0 { folders[watched] = nil }
        }
      }
      return changed
    }
  #endif
}
