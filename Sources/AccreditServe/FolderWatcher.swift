import Foundation

/// Notices changes below a set of folders: a new file, an edit, a deletion or a rename.
///
/// It compares snapshots of every file's size, modification time and inode. Polling is written by hand
/// because none of the project's libraries watches files, and it behaves the same on every platform and
/// file system (inotify misses changes on some network and container mounts).
struct FolderWatcher: Sendable {
  /// What is known of one file.
  struct Stamp: Equatable, Sendable {
    let size: Int64
    let modified: Int64
    let inode: UInt64
  }

  let folders: [URL]

  /// Every regular file below the folders (hidden ones skipped), with its stamp.
  func scan() -> [String: Stamp] {
    var stamps: [String: Stamp] = [:]
    for folder in folders {
      scan(folder.path, into: &stamps)
    }
    return stamps
  }

  private func scan(_ directory: String, into stamps: inout [String: Stamp]) {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
    for name in names where !name.hasPrefix(".") {
      let path = directory + "/" + name
      var info = stat()
      guard stat(path, &info) == 0 else { continue }
      if (info.st_mode & S_IFMT) == S_IFDIR {
        scan(path, into: &stamps)
      } else {
        let nanoseconds = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        stamps[path] = Stamp(size: Int64(info.st_size), modified: nanoseconds, inode: UInt64(info.st_ino))
      }
    }
  }
}
