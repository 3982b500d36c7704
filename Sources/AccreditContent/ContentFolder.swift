import Foundation

/// Reads a content folder from disk into `ContentFile`s for `ContentLoader`.
public enum ContentFolder {
  /// The folders below the content root that hold content; other top-level folders are not read.
  static let folders = ["partners", "cases", "faq", "pages"]

  /// A problem with the folder itself, rather than with a file in it.
  public struct ReadError: Error, CustomStringConvertible {
    /// What went wrong.
    public var description: String
  }

  /// Every content file below `root`: `site.yaml`, `standards.yaml` and the files of the content folders.
  /// Hidden files and folders are skipped.
  public static func read(_ root: URL) throws -> [ContentFile] {
    guard FileManager.default.isFolder(atPath: root.path) else {
      throw ReadError(description: "content folder '\(root.path)' does not exist or is not a folder")
    }
    var paths: [(file: String, path: String)] = []
    for name in ["site.yaml", "standards.yaml"] where FileManager.default.fileExists(atPath: root.path + "/" + name) {
      paths.append((root.path + "/" + name, name))
    }
    for folder in folders {
      list(root.path + "/" + folder, prefix: folder, into: &paths)
    }
    // Reading is most of the time of a small build's input side: the files are read on every core.
    let read = paths.parallelMap { entry in
      Result { () throws(ReadError) in ContentFile(path: entry.path, bytes: try readFile(entry.file)) }
    }
    return try read.map { try $0.get() }
  }

  /// Adds the files below `directory`, sorted by name; its subfolders are listed on every core.
  private static func list(_ directory: String, prefix: String, into paths: inout [(file: String, path: String)]) {
    var files: [(file: String, path: String)] = []
    var folders: [(file: String, path: String)] = []
    for (name, isFolder) in entries(of: directory) {
      let entry = (directory + "/" + name, "\(prefix)/\(name)")
      if isFolder { folders.append(entry) } else { files.append(entry) }
    }
    let below = folders.parallelMap { folder in
      var inside: [(file: String, path: String)] = []
      list(folder.file, prefix: folder.path, into: &inside)
      return inside
    }
    // Files and folders in name order, as one sorted listing would give them.
    var merged = files.map { ($0.path, [$0]) } + zip(folders, below).map { ($0.path, $1) }
    merged.sort { $0.0 < $1.0 }
    for (_, entries) in merged { paths += entries }
  }

  /// The visible entries of a folder with whether each is a folder (following symbolic links), read with
  /// `readdir`, which tells the kind of most entries without a `stat` each.
  private static func entries(of directory: String) -> [(name: String, isFolder: Bool)] {
    guard let stream = opendir(directory) else { return [] }
    defer { closedir(stream) }
    var entries: [(name: String, isFolder: Bool)] = []
    while let entry = readdir(stream) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
        String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
      }
      guard !name.hasPrefix(".") else { continue }
      switch Int32(entry.pointee.d_type) {
      case Int32(DT_REG): entries.append((name, false))
      case Int32(DT_DIR): entries.append((name, true))
      default:
        var status = stat()
        guard stat(directory + "/" + name, &status) == 0 else { continue }
        entries.append((name, status.st_mode & S_IFMT == S_IFDIR))
      }
    }
    return entries
  }

  /// The bytes of a file, with one `read` for most files.
  private static func readFile(_ file: String) throws(ReadError) -> [UInt8] {
    let descriptor = open(file, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { throw failure(file) }
    defer { close(descriptor) }
    var status = stat()
    guard fstat(descriptor, &status) == 0 else { throw failure(file) }
    // One byte more than the size, so that the end of the file is seen without growing the buffer.
    var bytes = [UInt8](repeating: 0, count: Swift.max(Int(status.st_size), 0) + 1)
    var filled = 0
    while true {
      if filled == bytes.count { bytes += repeatElement(0, count: bytes.count) }
      let count = bytes.withUnsafeMutableBytes { buffer in
        buffer.baseAddress.map { Foundation.read(descriptor, $0 + filled, buffer.count - filled) } ?? 0
      }
      if count < 0 && errno == EINTR { continue }
      guard count >= 0 else { throw failure(file) }
      if count == 0 { break }
      filled += count
    }
    bytes.removeLast(bytes.count - filled)
    return bytes
  }

  private static func failure(_ file: String) -> ReadError {
    ReadError(description: "cannot read \(file): \(String(cString: strerror(errno)))")
  }
}

extension FileManager {
  /// Whether `path` names an existing folder (following symbolic links).
  public func isFolder(atPath path: String) -> Bool {
    var isDirectory: ObjCBool = false
    return fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
  }
}
