internal import CCmark

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// CommonMark rendering through libcmark.
///
/// All cmark calls live here, and what cmark allocates is freed here. Rendering uses cmark's default
/// safe mode: raw HTML in the source is replaced by a comment and `javascript:`, `vbscript:`, `file:`
/// and most `data:` link targets are dropped, because case notes are untrusted text.
public enum Markdown {
  /// Renders CommonMark `source` to an HTML fragment.
  public static func html(from source: String) -> String {
    var source = source
    return source.withUTF8 { buffer -> String in
      guard let base = buffer.baseAddress else { return "" }
      // No CMARK_OPT_VALIDATE_UTF8: a Swift string is valid UTF-8 already, and the pass cost a fifth of
      // the time of a note.
      let options = CMARK_OPT_DEFAULT
      let rendered = base.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
        cmark_markdown_to_html($0, buffer.count, options)
      }
      guard let rendered else { return "" }
      defer { free(rendered) }
      return String(cString: rendered)
    }
  }

  /// The version of the linked libcmark, e.g. `0.30.2`.
  public static var libraryVersion: String {
    String(cString: cmark_version_string())
  }
}
