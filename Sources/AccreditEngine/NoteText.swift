/// A case's Markdown notes (or their HTML): a string, or UTF-8 bytes left where they were read (the parse
/// cache's buffer or mapped file) and decoded only when asked for. A build that renders no case page (a
/// record edit) then decodes none of the ten thousand notes it loaded: checking their UTF-8 and copying
/// them was a tenth of such a build (docs/performance.md, "The CLI record edit, fourth session").
public struct NoteText: Sendable {
  /// Bytes in memory that `owner` keeps there (a mapped file that unmaps when freed).
  private struct Kept: @unchecked Sendable {
    let owner: AnyObject & Sendable
    let bytes: UnsafeRawBufferPointer
  }

  private enum Storage: Sendable {
    case text(String)
    case array(ArraySlice<UInt8>)
    case kept(Kept)
  }

  private var storage: Storage

  /// Notes given as a string.
  public init(_ text: String) { storage = .text(text) }

  /// Notes as UTF-8 `bytes`, kept as they are (they share the array they are a slice of). Bytes that are
  /// not UTF-8 are repaired when read (U+FFFD), as `String(decoding:as:)` does; the parse cache, which
  /// wrote them from a string and checks its checksum first, never gives such bytes.
  public init(utf8 bytes: ArraySlice<UInt8>) { storage = .array(bytes) }

  /// Notes as UTF-8 `bytes` that `owner` keeps in memory, unchanged, for as long as it lives (a mapped
  /// file): the notes keep `owner`. Decoded as `init(utf8:)`'s are.
  public init(utf8 bytes: UnsafeRawBufferPointer, keptBy owner: AnyObject & Sendable) {
    storage = .kept(Kept(owner: owner, bytes: bytes))
  }

  /// The notes as a string, decoded now when they are kept as bytes.
  public var text: String {
    switch storage {
    case .text(let text): text
    case .array(let bytes): String(decoding: bytes, as: UTF8.self)
    case .kept(let kept): withExtendedLifetime(kept.owner) { String(decoding: kept.bytes, as: UTF8.self) }
    }
  }

  /// Calls `body` with the notes' UTF-8, without making a string when they are kept as bytes.
  public func withUTF8<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
    switch storage {
    case .text(var text): try text.withUTF8 { try body(UnsafeRawBufferPointer($0)) }
    case .array(let bytes): try bytes.withUnsafeBytes(body)
    case .kept(let kept): try withExtendedLifetime(kept.owner) { try body(kept.bytes) }
    }
  }

  /// Whether the notes are kept as bytes rather than as a string.
  private var isBytes: Bool {
    if case .text = storage { return false }
    return true
  }
}

extension NoteText: Equatable {
  /// Equal when the texts are: the same bytes are (the very same memory at once, as a case's notes and
  /// their HTML's record of them are), without decoding them; other bytes are compared as strings
  /// (canonical equivalence), as two `String`s would be.
  public static func == (left: NoteText, right: NoteText) -> Bool {
    if left.isBytes, right.isBytes,
      left.withUTF8({ a in
        right.withUTF8 { b in (a.baseAddress == b.baseAddress && a.count == b.count) || a.elementsEqual(b) }
      })
    {
      return true
    }
    return left.text == right.text
  }
}
