import AccreditContent
import Foundation
import Synchronization

/// Notices changes below a set of folders: a new file, an edit, a deletion or a rename.
///
/// It compares snapshots of every file's size, modification time and inode. Polling is written by hand
/// because none of the project's libraries watches files, and it behaves the same on every platform and
/// file system (inotify misses changes on some network and container mounts).
struct FolderWatcher: Sendable {
  let folders: [URL]

  /// Every regular file below the folders (hidden ones skipped), with its stamp.
  func scan() -> [String: FileStamp] {
    var stamps: [String: FileStamp] = [:]
    for folder in folders {
      scan(folder.path, into: &stamps)
    }
    return stamps
  }

  // Entries are `lstat`ed and links are not walked: a link to a folder is checked by the build, which
  // refuses loops and links out of the folder, and a loop here would be walked for ever. A link's stamp
  // is its own with its target's size and time, so that retargeting it and editing its target both show.
  private func scan(_ directory: String, into stamps: inout [String: FileStamp]) {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
    for name in names where !name.hasPrefix(".") {
      let path = directory + "/" + name
      var info = stat()
      guard lstat(path, &info) == 0 else { continue }
      switch info.st_mode & S_IFMT {
      case S_IFDIR:
        scan(path, into: &stamps)
      case S_IFLNK:
        var target = stat()
        if stat(path, &target) != 0 || (target.st_mode & S_IFMT) == S_IFDIR { target = stat() }
        stamps[path] = FileStamp(
          size: Int64(target.st_size), mtime: FileStamp(info).mtime ^ FileStamp(target).mtime,
          inode: UInt64(info.st_ino))
      default:
        stamps[path] = FileStamp(info)
      }
    }
  }

  /// `folder` with every symbolic link resolved, or as it is when it does not exist (yet).
  static func resolved(_ folder: URL) -> URL {
    guard let real = realpath(folder.path, nil) else { return folder.standardizedFileURL }
    defer { free(real) }
    return URL(fileURLWithPath: String(cString: real))
  }
}

/// A value kept for another thread: a scan to compare with, what the last build left.
final class Shared<Value: Sendable>: Sendable {
  private let value = Mutex<Value?>(nil)

  func store(_ newValue: Value?) { value.withLock { $0 = newValue } }
  func load() -> Value? { value.withLock { $0 } }
  /// The value, taken out: the caller then holds the only reference to it.
  func take() -> Value? { value.withLock { $0.take() } }
}
