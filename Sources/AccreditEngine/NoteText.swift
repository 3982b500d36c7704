/// A case's Markdown notes (or their HTML): a string, or UTF-8 bytes left where they were read (the parse
/// cache's buffer) and decoded only when asked for. A build that renders no case page (a record edit)
/// then decodes none of the ten thousand notes it loaded: checking their UTF-8 and copying them was a
/// tenth of such a build (docs/performance.md, "Notes decoded when read").
public struct NoteText: Sendable {
  private enum Storage: Sendable {
    case text(String)
    case utf8(ArraySlice<UInt8>)
  }

  private var storage: Storage

  /// Notes given as a string.
  public init(_ text: String) { storage = .text(text) }

  /// Notes as UTF-8 `bytes`, kept as they are (they share the buffer they are a slice of). Bytes that are
  /// not UTF-8 are repaired when read (U+FFFD), as `String(decoding:as:)` does; the parse cache, which
  /// wrote them from a string and checks its checksum first, never gives such bytes.
  public init(utf8 bytes: ArraySlice<UInt8>) { storage = .utf8(bytes) }

  /// The notes as a string, decoded now when they are kept as bytes.
  public var text: String {
    switch storage {
    case .text(let text): text
    case .utf8(let bytes): String(decoding: bytes, as: UTF8.self)
    }
  }

  /// Calls `body` with the notes' UTF-8, without making a string when they are kept as bytes.
  public func withUTF8<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
    switch storage {
    case .text(var text): try text.withUTF8(body)
    case .utf8(let bytes): try bytes.withUnsafeBufferPointer(body)
    }
  }
}

extension NoteText: Equatable {
  /// Equal when the texts are: the same bytes are, without decoding them; other bytes are compared as
  /// strings (canonical equivalence), as two `String`s would be.
  public static func == (left: NoteText, right: NoteText) -> Bool {
    if case .utf8(let a) = left.storage, case .utf8(let b) = right.storage, a.elementsEqual(b) { return true }
    return left.text == right.text
  }
}
