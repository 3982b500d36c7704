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
    var files: [ContentFile] = []
    for name in ["site.yaml", "standards.yaml"] {
      if let file = try readFile(root.appendingPathComponent(name), path: name) { files.append(file) }
    }
    for folder in folders {
      files += try readTree(root.appendingPathComponent(folder), prefix: folder)
    }
    return files
  }

  private static func readTree(_ directory: URL, prefix: String) throws -> [ContentFile] {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return [] }
    var files: [ContentFile] = []
    for name in names.sorted() where !name.hasPrefix(".") {
      let url = directory.appendingPathComponent(name)
      let path = "\(prefix)/\(name)"
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else { continue }
      if isDirectory.boolValue {
        files += try readTree(url, prefix: path)
      } else if let file = try readFile(url, path: path) {
        files.append(file)
      }
    }
    return files
  }

  private static func readFile(_ url: URL, path: String) throws -> ContentFile? {
    guard FileManager.default.fileExists(atPath: url.path) else { return nil }
    do {
      return ContentFile(path: path, bytes: Array(try Data(contentsOf: url)))
    } catch {
      throw ReadError(description: "cannot read \(url.path): \(error.localizedDescription)")
    }
  }
}

extension FileManager {
  /// Whether `path` names an existing folder (following symbolic links).
  public func isFolder(atPath path: String) -> Bool {
    var isDirectory: ObjCBool = false
    return fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
  }
}
