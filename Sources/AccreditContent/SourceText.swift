import AccreditEngine
import Foundation

/// A content file's text, decoded and normalised: UTF-8 checked, byte-order mark dropped,
/// CRLF and lone CR turned into LF so that lines and columns count the same everywhere.
public struct SourceText: Sendable {
  /// The path relative to the content folder.
  public let path: String
  /// The normalised text.
  public let text: String

  /// Wraps text that is already decoded and normalised.
  public init(path: String, text: String) {
    self.path = path
    self.text = text
  }

  /// Decodes `bytes`; on failure returns the diagnostic that says where the first bad byte is.
  public static func decode(_ bytes: [UInt8], path: String) -> Result<SourceText, Diagnostic> {
    var body = bytes[...]
    if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
    guard let decoded = String(validating: body, as: UTF8.self) else {
      let location = firstInvalidByte(in: body, path: path)
      return .failure(Diagnostic(.error, at: location, "file is not valid UTF-8 text; save it as UTF-8"))
    }
    // A search of the bytes: `String.contains` went through Foundation, and a walk of the string's UTF-8
    // view cost 2 % of a build.
    let text = body.contains(13) ? normalizeLineEndings(decoded) : decoded
    return .success(SourceText(path: path, text: text))
  }

  /// The text of 1-based `line`, without its line break, or nil past the end.
  public func line(_ number: Int) -> Substring? {
    guard number >= 1 else { return nil }
    var current = 1
    var start = text.startIndex
    while current < number {
      guard let newline = text[start...].firstIndex(of: "\n") else { return nil }
      start = text.index(after: newline)
      current += 1
    }
    let end = text[start...].firstIndex(of: "\n") ?? text.endIndex
    return text[start..<end]
  }

  private static func normalizeLineEndings(_ text: String) -> String {
    text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
  }

  // The line and column (in Unicode scalars) of the first byte that is not valid UTF-8.
  private static func firstInvalidByte(in bytes: ArraySlice<UInt8>, path: String) -> SourceLocation {
    var line = 1
    var column = 1
    var iterator = bytes.makeIterator()
    var decoder = UTF8()
    while true {
      switch decoder.decode(&iterator) {
      case .scalarValue(let scalar):
        if scalar == "\n" {
          line += 1
          column = 1
        } else {
          column += 1
        }
      case .emptyInput, .error:
        return SourceLocation(file: path, line: line, column: column)
      }
    }
  }
}
