import Foundation

/// What the preview server adds to HTML pages, and only there: never to the built `public/`.
enum Injection {
  /// Inserts the reload script (and the error overlay, after a failed build) before `</body>`.
  static func inject(into bytes: [UInt8], snapshot: SiteSnapshot) -> [UInt8] {
    let addition = snapshot.injection
    let marker = Array("</body>".utf8)
    guard let index = lastIndex(of: marker, in: bytes) else { return bytes + addition }
    return Array(bytes[..<index]) + addition + Array(bytes[index...])
  }

  /// The validator of an injected page: it changes with the page and with what is injected.
  static func etag(_ fileETag: String, snapshot: SiteSnapshot) -> String {
    "\"" + fileETag.trimmingCharacters(in: ["\""]) + "+" + snapshot.injectionTag + "\""
  }

  static func snippet(generation: Int, problems: String?) -> String {
    var html = ""
    if let problems {
      html += """
        <div id="accredit-overlay" role="alert" style="position:fixed;inset:0;z-index:2147483647;overflow:auto;\
        background:rgba(20,20,20,.94);color:#fff;font:14px/1.5 ui-monospace,Menlo,Consolas,monospace;padding:2rem">\
        <p style="font:600 18px/1.3 system-ui,sans-serif;margin:0 0 1rem">The site did not build. \
        It shows the last good version under this message until the content is fixed.</p>\
        <pre style="white-space:pre-wrap;margin:0">\(escape(problems))</pre></div>

        """
    }
    html += """
      <script>(function(){var built=\(generation);var source=new EventSource("\(SiteResponder.eventsPath)");\
      source.addEventListener("hello",function(e){if(Number(e.data)!==built)location.reload();});\
      source.addEventListener("reload",function(){location.reload();});})();</script>

      """
    return html
  }

  private static func escape(_ text: String) -> String {
    var escaped = ""
    for character in text {
      switch character {
      case "<": escaped += "&lt;"
      case ">": escaped += "&gt;"
      case "&": escaped += "&amp;"
      case "\"": escaped += "&quot;"
      default: escaped.append(character)
      }
    }
    return escaped
  }

  private static func lastIndex(of marker: [UInt8], in bytes: [UInt8]) -> Int? {
    guard bytes.count >= marker.count else { return nil }
    var index = bytes.count - marker.count
    while index >= 0 {
      if bytes[index..<(index + marker.count)].elementsEqual(marker) { return index }
      index -= 1
    }
    return nil
  }
}
