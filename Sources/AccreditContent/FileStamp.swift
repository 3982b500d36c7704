import Foundation

/// A file's size, modification time (in nanoseconds) and inode, as git's index keeps them: when none of
/// these changed, neither did the file, short of someone setting the time back. The one reading of a
/// `stat` the caches (`FolderStamp`, `ParseCache`) and the preview server's polling (`FolderWatcher`) share.
public struct FileStamp: Hashable, Sendable {
  /// The size in bytes.
  public var size: Int64
  /// The modification time in nanoseconds since 1970.
  public var mtime: Int64
  /// The inode number.
  public var inode: UInt64

  /// Creates a stamp from its parts.
  public init(size: Int64, mtime: Int64, inode: UInt64) {
    self.size = size
    self.mtime = mtime
    self.inode = inode
  }

  /// The stamp of a `stat` result.
  public init(_ status: stat) {
    #if canImport(Darwin)
      let time = status.st_mtimespec
    #else
      let time = status.st_mtim
    #endif
    self.init(
      size: Int64(status.st_size), mtime: Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec),
      inode: UInt64(status.st_ino))
  }

  /// The stamp of the file at `location`, which `status` describes, when `FolderJail.read` would read it:
  /// nil for a file this process cannot read or, in CI, one with other hard links (it is then read, and
  /// the read reports it), so that no cache vouches for it.
  static func ofReadable(_ status: stat, at location: String) -> FileStamp? {
    guard FolderJail.isReadable(status, at: location) else { return nil }
    if FolderJail.refusesHardLinks && status.st_nlink > 1 { return nil }
    return FileStamp(status)
  }

  /// The stamp of the file at `location` (links followed), when it can be stat'ed and read (`ofReadable`).
  static func ofReadable(at location: String) -> FileStamp? {
    var status = stat()
    guard stat(location, &status) == 0 else { return nil }
    return ofReadable(status, at: location)
  }
}
